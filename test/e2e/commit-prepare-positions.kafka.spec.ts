import { afterAll, beforeAll, expect, test } from '@jest/globals';
import kafkajs from 'kafkajs';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { ensureKafka } from '../support/kafka.js';
import {
  bodyOf,
  problemOf,
  eventsOf,
  type EventsBody,
  type AlertsBody,
  type HealthBody,
  type AgreementSummaryBody,
} from '../support/http.js';

/*
 * The whole service, read side included, on positions that are not numbers. No KurrentDB server
 * can be had here, so the service runs on PostgreSQL with its store behind KurrentDB-shaped
 * positions (`<commit>/<prepare>`, see test/support/commit-prepare-store.ts): the seed import, every
 * projection and its checkpoint, read-your-writes, the compliance evaluator (which reads the log
 * through the port, not the SQL events table, for any store but the SQL one), alerts, /metrics and
 * the Kafka relay must all work, and the read models must equal those of the plain SQL store.
 */

const { Kafka, logLevel } = kafkajs;
const kafka = await ensureKafka();
const PAIR = /^[0-9a-f]{16}\/[0-9a-f]{16}$/;
const SECRET = 'commit-prepare-positions-test-secret-0123456789';
const NOW = '2024-01-01T09:00:00.000Z';

let database: TestDatabase;
let pairs: ApiHarness;
let plain: ApiHarness;
let head: string;

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

/** Every event of the log through the audit trail, paging by the `next` position it answers with. */
async function wholeLog(api: ApiHarness): Promise<{ eventId: string; position: string }[]> {
  const events: { eventId: string; position: string }[] = [];
  let from: string | null = null;
  do {
    const res = await api.admin.get(`/events?limit=1000${from === null ? '' : `&fromPosition=${from}`}`);
    expect(res.status).toBe(200);
    events.push(...eventsOf(res));
    from = bodyOf<EventsBody>(res).next;
  } while (from !== null);
  return events;
}

/** What the read models answer, without the positions (their form differs by store, by design). */
const withoutPositions = (body: unknown): unknown =>
  JSON.parse(JSON.stringify(body, (key, value: unknown) => (/position$/i.test(key) ? undefined : value))) as unknown;

const READS = [
  '/agreements',
  '/agreements/zephyr',
  '/bodies/gloucestershire/collaborations?asOf=2018-01-01',
  '/savings?by=region',
  '/decisions',
];

beforeAll(async () => {
  database = await postgresDriver.create();
  await database.db.close();
  const env = {
    DATABASE_URL: database.url ?? '',
    AUTH_JWT_SECRET: SECRET,
    IMPORT_ON_START: 'seeds/collaborations.json',
    ...(kafka ? { KAFKA_BROKERS: kafka.brokers.join(',') } : {}),
  };
  pairs = await startApi(env, { now: NOW, decorateEventStore: (store) => new CommitPreparePositionStore(store) });
  plain = await startApi({ IMPORT_ON_START: 'seeds/collaborations.json' }, { now: NOW });
  // The compliance evaluator appends alerts in the background after the import (the seed board's, and the
  // accountability alerts of the register's agreements), each service on its own clock: wait until the first
  // evaluation of everything has finished on both, and their logs hold the same, three rounds running.
  const evaluated = async (api: ApiHarness): Promise<boolean> => {
    const health = bodyOf<Partial<HealthBody>>(await api.admin.get('/health'));
    const compliance = (health.info?.compliance ?? health.details?.compliance) as
      { report?: { tick?: { ticks: number; running: boolean } | null } } | undefined;
    const tick = compliance?.report?.tick;
    return tick == null || (tick.ticks >= 1 && !tick.running);
  };
  const state = async (api: ApiHarness): Promise<string> => {
    const alerts = bodyOf<AlertsBody>(await api.admin.get('/alerts?status=open&limit=500')).alerts ?? [];
    const keys = alerts.map((a: { rule: string; subject: object }) => `${a.rule} ${JSON.stringify(a.subject)}`);
    return `${(await wholeLog(api)).length} ${keys.sort().join(',')}`;
  };
  let stable = 0;
  let last = '';
  for (const deadline = Date.now() + 600_000; stable < 3 && Date.now() < deadline;) {
    const done = (await evaluated(pairs)) && (await evaluated(plain));
    const [a, b] = [await state(pairs), await state(plain)];
    stable = done && a === b && a === last && a.includes('hampshire-tvp') ? stable + 1 : 0;
    last = a === b ? a : '';
    await new Promise((r) => setTimeout(r, 500));
  }
  head = bodyOf<HealthBody>(await pairs.admin.get('/health')).details.database.headPosition ?? 'none';
}, 900_000);

afterAll(async () => {
  await pairs?.close();
  await plain?.close();
  await database?.dispose();
}, 60_000);

postgresDriver.describe('the service on commit/prepare positions', () => {
  test('the log head and every event position are commit/prepare pairs', async () => {
    expect(head).toMatch(PAIR);
    const log = await wholeLog(pairs);
    // The same events on both stores, alerts included: the evaluator judges the record at the head, so how far
    // the projections happened to be when it ran changes nothing it appends.
    expect(log.length).toBe((await wholeLog(plain)).length);
    expect(log.every((e) => PAIR.test(e.position))).toBe(true);
    expect(log.some((e) => e.position === head)).toBe(true);
  });

  test('read-your-writes waits for a pair; a decimal position is refused naming the field', async () => {
    const res = await pairs.admin.get(`/bodies/gloucestershire/collaborations?asOf=2018-01-01&minPosition=${head}`);
    expect(res.status).toBe(200);
    expect(bodyOf<{ collaborations: AgreementSummaryBody[] }>(res).collaborations.length).toBeGreaterThanOrEqual(19);
    const refused = await pairs.admin.get('/agreements?minPosition=12');
    expect(refused.status).toBe(400);
    expect(problemOf(refused).errors).toEqual([
      expect.objectContaining({ field: 'minPosition', rule: 'isEventPosition' }),
    ]);
  });

  test('the read models equal those built over the plain SQL store', async () => {
    const plainHead = bodyOf<HealthBody>(await plain.admin.get('/health')).details.database.headPosition ?? 'none';
    for (const path of READS) {
      const join = path.includes('?') ? '&' : '?';
      const [a, b] = await Promise.all([
        pairs.admin.get(`${path}${join}minPosition=${head}`),
        plain.admin.get(`${path}${join}minPosition=${plainHead}`),
      ]);
      expect([path, a.status]).toEqual([path, 200]);
      expect(withoutPositions(a.body)).toEqual(withoutPositions(b.body));
    }
  });

  test('projection checkpoints hold the pair; /metrics shows every projection lag at 0', async () => {
    const health = await eventually(
      () => pairs.admin.get('/health'),
      (res) =>
        (bodyOf<HealthBody>(res).info?.projections?.projections ?? []).every((p: { lag: number }) => p.lag === 0),
    );
    const projections = bodyOf<HealthBody>(health).info?.projections.projections as {
      name: string;
      position: string;
      lag: number;
    }[];
    expect(projections.length).toBeGreaterThan(0);
    for (const p of projections) expect([p.name, p.position, p.lag]).toEqual([p.name, head, 0]);
    const metrics = await pairs.http.get('/metrics');
    const lags = [...metrics.text.matchAll(/^governance_projection_lag\{[^}]*projection="([^"]+)"[^}]*\} (\S+)$/gm)];
    expect(lags.length).toBe(projections.length);
    for (const [, name, value] of lags) expect([name, Number(value)]).toEqual([name, 0]);
  });

  test('a board whose meetings are cancelled and not rearranged raises its alerts', async () => {
    pairs.clock.set('2016-04-20T09:00:00.000Z');
    const post = async (path: string, body: object) => {
      const res = await pairs.admin.post(path).send(body);
      expect([path, res.status]).toEqual([path, 201]);
      return res.body as { position: string };
    };
    await post('/boards', {
      id: 'zephyr-positions-board',
      name: 'Zephyr governance board (positions test)',
      agreements: ['zephyr'],
      chair: 'Police and Crime Commissioner for Avon and Somerset',
      maxDaysBetweenMeetings: 92,
      quorum: 2,
      occurredAt: '2015-04-01',
    });
    for (const [q, date] of [
      ['q2', '2015-09-15'],
      ['q3', '2015-12-15'],
    ]) {
      await post('/boards/zephyr-positions-board/meetings', { meetingId: `2015-${q}`, scheduledFor: date });
      await post(`/boards/zephyr-positions-board/meetings/2015-${q}/cancellation`, {
        reason: 'Chair unavailable',
        occurredAt: date,
      });
    }
    const open = await eventually(
      () => pairs.admin.get('/alerts?status=open&rule=meeting-cancelled-not-rearranged'),
      (res) =>
        (bodyOf<AlertsBody>(res).alerts ?? []).filter(
          (a: { subject: { boardId?: string } }) => a.subject.boardId === 'zephyr-positions-board',
        ).length === 2,
    );
    const mine = bodyOf<AlertsBody>(open).alerts.filter(
      (a: { subject: { boardId?: string } }) => a.subject.boardId === 'zephyr-positions-board',
    );
    expect(mine).toHaveLength(2);
  });

  (kafka ? test : test.skip)(
    'the relay publishes every event once, position pair and all',
    async () => {
      const log = await wholeLog(pairs);
      const ids = new Set(log.map((e) => e.eventId));
      const seen = new Map<string, number>();
      const positions = new Map<string, string>();
      const consumer = new Kafka({
        clientId: 'positions-test',
        brokers: kafka!.brokers,
        logLevel: logLevel.NOTHING,
      }).consumer({
        groupId: `positions-test-${Date.now()}`,
      });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: 'governance.events', fromBeginning: true });
        await consumer.run({
          eachMessage: ({ message }) => {
            const id = message.headers?.eventId?.toString();
            if (!id || !ids.has(id)) return Promise.resolve();
            seen.set(id, (seen.get(id) ?? 0) + 1);
            positions.set(id, (JSON.parse(message.value!.toString()) as { position: string }).position);
            return Promise.resolve();
          },
        });
        await eventually(
          () => Promise.resolve(seen.size),
          (size) => size === ids.size,
          120_000,
        );
        // A moment more, so a second copy of any event would have arrived too.
        await new Promise((r) => setTimeout(r, 2000));
      } finally {
        await consumer.disconnect();
      }
      expect(seen.size).toBe(ids.size);
      expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
      for (const e of log) expect(positions.get(e.eventId)).toBe(e.position);
    },
    180_000,
  );
});
