import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import kafkajs from 'kafkajs';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { recordBilateralInForce, recordBoardYear } from '../support/hampshire-tvp-2015-16.js';
import { ensureKafka } from '../support/kafka.js';
import { bodyOf, eventsOf, type AlertsBody } from '../support/http.js';

/*
 * The case the service exists for (seeds/003): the Hampshire/TVP bilateral board's 2015-16
 * meetings, two of them cancelled and never rearranged. The whole service runs with Kafka on: the
 * alerts must appear on GET /alerts and on the governance.alerts topic of a real broker, and
 * rearranging one meeting must resolve its alert there too.
 */

const { Kafka, logLevel } = kafkajs;
const kafka = await ensureKafka();
const kafkaTest = kafka ? test : test.skip;

let api: ApiHarness;

async function post(path: string, body: object): Promise<void> {
  const res = await api.admin.post(path).send(body);
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, attempts = 300): Promise<T> {
  let value = await read();
  for (let i = 0; i < attempts && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

beforeAll(async () => {
  if (!kafka) return;
  api = await startApi({ KAFKA_BROKERS: kafka.brokers.join(',') });
  api.clock.set('2016-04-20T09:00:00.000Z');
});

afterAll(async () => {
  await api?.close();
});

describe('Hampshire/Thames Valley bilateral board, 2015-16', () => {
  kafkaTest(
    'cancelled and never rearranged meetings raise alerts on the API and on governance.alerts; a rearrangement resolves one',
    async () => {
      await recordBilateralInForce(post, 'hampshire-tvp-bilateral');
      await recordBoardYear(post, 'hampshire-tvp', 'hampshire-tvp-bilateral');

      const open = await eventually(
        () => api.admin.get('/alerts?status=open&rule=meeting-cancelled-not-rearranged'),
        (res) => bodyOf<AlertsBody>(res).alerts?.length === 2,
      );
      const alertIds: string[] = bodyOf<AlertsBody>(open)
        .alerts.map((a: { alertId: string }) => a.alertId)
        .sort();
      expect(alertIds).toEqual([expect.stringContaining('2015-q2'), expect.stringContaining('2015-q3')]);

      await post('/boards/hampshire-tvp/meetings/2015-q2/rearrangement', {
        newDate: '2016-05-20',
        occurredAt: '2016-04-20',
      });
      const stillOpen = await eventually(
        () => api.admin.get('/alerts?status=open&rule=meeting-cancelled-not-rearranged'),
        (res) => bodyOf<AlertsBody>(res).alerts?.length === 1,
      );
      expect(bodyOf<AlertsBody>(stillOpen).alerts[0]?.alertId).toContain('2015-q3');

      // The events of this run's alert streams, as the audit trail has them…
      const expected = new Map<string, string>();
      for (const id of alertIds) {
        const trail = await api.admin.get(`/streams/alert-${id}/events`);
        for (const e of eventsOf(trail)) expected.set(e.eventId, e.type);
      }
      expect([...expected.values()].sort()).toEqual(['AlertRaised', 'AlertRaised', 'AlertResolved']);

      // …must all arrive on governance.alerts (at least once; the relay is at-least-once).
      const consumer = new Kafka({
        clientId: 'e2e-alerts',
        brokers: kafka!.brokers,
        logLevel: logLevel.NOTHING,
      }).consumer({
        groupId: `e2e-alerts-${process.pid}-${Date.now()}`,
      });
      const seen = new Map<string, string>();
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: 'governance.alerts', fromBeginning: true });
        await consumer.run({
          eachMessage: ({ message }) => {
            const eventId = message.headers?.eventId?.toString();
            if (eventId && expected.has(eventId)) seen.set(eventId, message.headers?.type?.toString() ?? '');
            return Promise.resolve();
          },
        });
        await eventually(
          () => Promise.resolve(seen.size),
          (n) => n === expected.size,
        );
      } finally {
        await consumer.disconnect();
      }
      expect(seen).toEqual(expected);
    },
  );
});
