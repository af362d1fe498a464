import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { loadConfig } from '#config';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { startApi, TestClock, type ApiHarness } from '../api/api-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../messaging/webhook-receiver.js';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { bodyOf, type AlertsBody } from '../support/http.js';
import { recordBilateralInForce, recordBoardYear } from '../support/hampshire-tvp-2015-16.js';
import { ensureKafka } from '../support/kafka.js';

/*
 * A split deployment scaled out (docs/operations.md, "Several instances"): two API instances with
 * WORKERS=off and two workers on one PostgreSQL database and one Kafka broker. Writes go to both APIs;
 * the workers share the projections, the compliance evaluator, the Kafka relay and the alert
 * notifier. Each event is applied once and published once, each alert is raised once and notified
 * once, and when the worker holding the relay stops, the other carries on from where it stopped.
 */

const { Kafka, logLevel } = kafkajs;
const kafka = await ensureKafka();
const SECRET = 'two-workers-test-secret-of-at-least-32-bytes';
const NOW = '2016-04-20T09:00:00.000Z';

interface Worker {
  app: INestApplication;
  dataDir: string;
}

let database: TestDatabase;
let receiver: WebhookReceiver;
let hook: string;
let apiA: ApiHarness;
let apiB: ApiHarness;
const workers: Worker[] = [];
let env: Record<string, string>;

async function startWorker(): Promise<Worker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'governance-worker-'));
  const config = loadConfig({ ...env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error' });
  const app = await NestFactory.create(WorkerModule.forRoot(config, new TestClock(new Date(NOW))), {
    logger: false,
  });
  await app.init();
  const worker = { app, dataDir };
  workers.push(worker);
  return worker;
}

async function stopWorker(worker: Worker): Promise<void> {
  workers.splice(workers.indexOf(worker), 1);
  await worker.app.close();
  await rm(worker.dataDir, { recursive: true, force: true });
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url as string });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

/** Every write alternates between the two APIs, as a balancer would send them. */
let writes = 0;
async function post(path: string, body: object): Promise<void> {
  const api = writes++ % 2 === 0 ? apiA : apiB;
  const res = await api.admin.post(path).send(body);
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

const openAlerts = async () =>
  bodyOf<AlertsBody>(await apiB.admin.get('/alerts?status=open&rule=meeting-cancelled-not-rearranged')).alerts;

/** How many times each of this database's events was published on governance.events. */
async function publishedCounts(eventIds: Set<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const consumer = new Kafka({ clientId: 'two-workers', brokers: kafka!.brokers, logLevel: logLevel.NOTHING }).consumer(
    { groupId: `two-workers-${process.pid}-${Date.now()}` },
  );
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'governance.events', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const eventId = message.headers?.eventId?.toString();
        if (eventId && eventIds.has(eventId)) counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
        return Promise.resolve();
      },
    });
    await eventually(
      'every event on governance.events',
      () => Promise.resolve(counts.size),
      (n) => n === eventIds.size,
    );
    // Long enough for a second copy from another relay to arrive behind the first.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  } finally {
    await consumer.disconnect();
  }
  return counts;
}

const headPosition = async (): Promise<bigint> =>
  BigInt((await sql<{ head: string }>(`SELECT max(position)::text AS head FROM events`))[0]?.head ?? 0);

const eventIdsOf = async (where = 'TRUE') =>
  new Set((await sql<{ event_id: string }>(`SELECT event_id FROM events WHERE ${where}`)).map((r) => r.event_id));

const alertEventsInLog = async (where = 'TRUE') =>
  sql<{ event_id: string; stream_id: string; type: string }>(
    `SELECT event_id, stream_id, type FROM events WHERE stream_id LIKE 'alert-%' AND ${where} ORDER BY position`,
  );

/** How many times the webhook was sent each of these event ids. */
const timesEach = (bodies: unknown[], eventIds: string[]): number[] =>
  eventIds.map((id) => bodies.filter((body) => (body as { eventId?: string }).eventId === id).length);

const describeIt = kafka ? postgresDriver.describe : (name: string, fn: () => void) => describe.skip(name, fn);

describeIt('two APIs and two workers on one PostgreSQL database and one broker', () => {
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    hook = receiver.route();
    database = await postgresDriver.create();
    await database.db.close();
    env = {
      DATABASE_URL: database.url as string,
      AUTH_JWT_SECRET: SECRET,
      KAFKA_BROKERS: kafka!.brokers.join(','),
      ALERT_WEBHOOK_URLS: `${receiver.url}${hook}`,
    };
    apiA = await startApi({ ...env, WORKERS: 'off' }, { now: NOW });
    apiB = await startApi({ ...env, WORKERS: 'off' }, { now: NOW });
    // The first worker starts alone, so it takes the relay lease; the second stands by for it.
    await startWorker();
    await startWorker();
  }, 120_000);

  afterAll(async () => {
    for (const worker of [...workers]) await stopWorker(worker);
    await apiA?.close();
    await apiB?.close();
    await receiver?.close();
    await database?.dispose();
  }, 60_000);

  test('each event is projected, published and judged once; each alert is raised and notified once', async () => {
    await recordBilateralInForce(post, 'bilateral');
    await recordBoardYear(post, 'bilateral-board', 'bilateral');

    const open = await eventually('two open alerts', openAlerts, (alerts) => alerts.length === 2);
    expect(open.map((a) => a.alertId).sort()).toEqual([
      expect.stringContaining('2015-q2'),
      expect.stringContaining('2015-q3'),
    ]);

    // Every processor, whichever worker ran it, reached the head and parked nothing.
    const head = await headPosition();
    await eventually(
      'every processor at the head',
      () => sql<{ name: string; position: string | null }>(`SELECT name, position FROM processor_checkpoints`),
      (rows) => rows.length > 0 && rows.every((r) => r.position !== null && BigInt(r.position) >= head),
    );
    expect(await sql(`SELECT name, event_id FROM processor_parked`)).toEqual([]);

    // Two evaluators judged the same events: in every alert stream raises and resolutions alternate,
    // so no alert was raised twice while open, and none resolved that was not open.
    const alertEvents = await alertEventsInLog();
    const lifecycles = new Map<string, string[]>();
    for (const e of alertEvents) lifecycles.set(e.stream_id, [...(lifecycles.get(e.stream_id) ?? []), e.type]);
    expect(lifecycles.size).toBeGreaterThanOrEqual(2);
    for (const [stream, types] of lifecycles) {
      const expected = types.map((_, i) => (i % 2 === 0 ? 'AlertRaised' : 'AlertResolved'));
      expect({ stream, types }).toEqual({ stream, types: expected });
    }

    // A sum is where applying an event twice shows: twelve savings figures, written to both APIs at
    // once, counted once each by whichever worker projected them.
    await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        (n % 2 === 0 ? apiA : apiB).admin.post('/agreements/bilateral/benefits').send({
          id: `saving-${n}`,
          source: 'Two workers test',
          kind: 'saving',
          status: 'realised',
          amountPence: 100_000,
          financialYear: '2015-16',
        }),
      ),
    ).then((answers) => expect(answers.map((res) => res.status)).toEqual(Array(12).fill(201)));
    const ledger = await eventually(
      'the twelve savings in the ledger',
      async () =>
        bodyOf<{ benefits: { wholeAgreement: { entries: number; savings: { realised: { pence: number } } } }[] }>(
          await apiA.admin.get('/benefits?by=agreement&agreementId=bilateral'),
        ).benefits[0]?.wholeAgreement,
      (whole) => whole?.entries === 12,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(ledger?.savings.realised.pence).toBe(1_200_000);
    const again = bodyOf<{
      benefits: { wholeAgreement: { entries: number; savings: { realised: { pence: number } } } }[];
    }>(await apiB.admin.get('/benefits?by=agreement&agreementId=bilateral')).benefits[0]?.wholeAgreement;
    expect({ entries: again?.entries, pence: again?.savings.realised.pence }).toEqual({
      entries: 12,
      pence: 1_200_000,
    });

    // Two relays, one lease: every event of the log on the topic exactly once.
    const counts = await publishedCounts(await eventIdsOf());
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);

    // Two notifiers, one seen set: each alert event this run raised reached the webhook once.
    const alertIds = (await alertEventsInLog()).map((e) => e.event_id);
    const notified = await eventually(
      'every alert event at the webhook',
      () => Promise.resolve(receiver.delivered(hook).map((body) => (body as { eventId: string }).eventId)),
      (ids) => alertIds.every((id) => ids.includes(id)),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(timesEach(receiver.delivered(hook), alertIds)).toEqual(alertIds.map(() => 1));
    expect(notified.length).toBeGreaterThanOrEqual(alertIds.length);
  }, 240_000);

  test('the worker holding the relay stops: the other takes over, and nothing is lost or applied twice', async () => {
    const before = await headPosition();
    await stopWorker(workers[0]!);
    await post('/boards/bilateral-board/meetings/2015-q2/rearrangement', {
      newDate: '2016-05-20',
      occurredAt: '2016-04-20',
    });
    const stillOpen = await eventually('one open alert', openAlerts, (alerts) => alerts.length === 1);
    expect(stillOpen[0]?.alertId).toContain('2015-q3');

    const resolved = (await alertEventsInLog(`position > ${before}`)).filter(
      (e) => e.stream_id.includes('cancelled-not-rearranged') && e.type === 'AlertResolved',
    );
    expect(resolved.map((e) => e.stream_id)).toEqual([expect.stringContaining('2015-q2')]);
    // What was appended after the first worker stopped reaches the topic through the second, once each.
    const counts = await publishedCounts(await eventIdsOf(`position > ${before}`));
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    await eventually(
      'the resolution at the webhook',
      () => Promise.resolve(timesEach(receiver.delivered(hook), [resolved[0]!.event_id])),
      (times) => times[0] === 1,
    );
  }, 240_000);
});
