import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { startApi, type ApiHarness } from './api-harness.js';
import { bodyOf, problemOf, eventsOf, type AppendedBody } from '../support/http.js';

/*
 * Concurrent writes through the real HTTP API. Many writers on one stream through the real HTTP API: a write without expectedRevision that
 * loses a race is decided again on fresh state (README "Optimistic concurrency"), so it never
 * answers 409; a client's own stale expectedRevision still does. On PostgreSQL the writers go
 * through two API processes on one database, so they race across processes too (within one
 * process, writes to a stream queue up). And a write the database refuses fails alone, not the
 * writes group-committed with it.
 */

const WRITERS = 32;
const WRITES_EACH = 20;
const PARTIES = ['avon-somerset', 'dorset'];

for (const driver of testDrivers) {
  driver.describe(`concurrent writes on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    const apis: ApiHarness[] = [];
    const post = (path: string, body: object, api = apis[0]) => api!.admin.post(path).send(body);

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      const env: Record<string, string> = database?.url
        ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'lost-races-test-secret-of-at-least-32-bytes' }
        : {};
      for (let n = database ? 2 : 1; n > 0; n--) apis.push(await startApi({ WORKERS: 'off', ...env }));
      const drafted = await post('/agreements', {
        id: 'race',
        title: 'Race Collaboration',
        legalBasis: 's22A',
        businessArea: 'roads policing',
        deliveryModel: 'host-force',
        parties: PARTIES,
        hostForce: PARTIES[0],
        occurredAt: '2014-01-10',
      });
      expect(drafted.status).toBe(201);
      for (const party of PARTIES) {
        expect(
          (await post('/agreements/race/signatures', { party, signedBy: 'Chief Constable', occurredAt: '2014-02-01' }))
            .status,
        ).toBe(201);
        expect((await post('/agreements/race/pcc-approvals', { party, occurredAt: '2014-02-15' })).status).toBe(201);
      }
      expect((await post('/agreements/race/commencement', { occurredAt: '2014-04-01' })).status).toBe(201);
    }, 60_000);

    afterAll(async () => {
      for (const api of apis) await api.close();
      await database?.dispose();
    }, 60_000);

    test(`${WRITERS} writers × ${WRITES_EACH} writes without expectedRevision on one stream: every write succeeds, each at its own revision`, async () => {
      const before = eventsOf(await apis[0]!.admin.get('/streams/agreement-race/events?limit=1000')).length;
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, async (_, writer) => {
          const mine: { status: number; revision: number; code?: string }[] = [];
          for (let n = 0; n < WRITES_EACH; n++) {
            const res = await post(
              '/agreements/race/variations',
              { summary: `writer ${writer} write ${n}`, occurredAt: '2016-05-01' },
              apis[writer % apis.length],
            );
            mine.push({ status: res.status, revision: bodyOf<AppendedBody>(res).revision, code: problemOf(res).code });
          }
          return mine;
        }),
      );
      const all = answers.flat();
      const statuses = new Map<number, number>();
      for (const { status } of all) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(Object.fromEntries(statuses)).toEqual({ 201: WRITERS * WRITES_EACH });
      const revisions = all.map((a) => a.revision).sort((x, y) => x - y);
      expect(revisions).toEqual(Array.from({ length: WRITERS * WRITES_EACH }, (_, i) => before + i));

      const trail = await apis[0]!.admin.get(`/streams/agreement-race/events?limit=1000`);
      const events = eventsOf(trail) as { revision: number; data: { summary?: string } }[];
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
      const summaries = events.slice(before).map((e) => e.data.summary);
      expect(new Set(summaries).size).toBe(WRITERS * WRITES_EACH);
    }, 120_000);

    test('a stale expectedRevision the client sent is still a 409 naming what it sent and the current revision', async () => {
      const current = eventsOf(await apis[0]!.admin.get('/streams/agreement-race/events?limit=1000')).length - 1;
      const res = await post('/agreements/race/variations', {
        summary: 'stale',
        occurredAt: '2016-05-01',
        expectedRevision: current - 3,
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'concurrency-conflict', currentRevision: current });
      expect(problemOf(res).detail).toContain(`revision ${current - 3}`);
      expect(problemOf(res).detail).toContain(`at revision ${current}`);
    });

    // Only the server lets another connection add a trigger under the running service.
    if (driver.name === 'postgres') {
      test('3 writes the database refuses among 63 others, 10 rounds: only those 3 fail each round', async () => {
        const admin = new pg.Client({ connectionString: database!.url! });
        await admin.connect();
        await admin.query(`
          CREATE FUNCTION refuse_poisoned_decision() RETURNS trigger LANGUAGE plpgsql AS $fn$
          BEGIN
            IF NEW.data->>'summary' = 'poisoned' THEN RAISE EXCEPTION 'poisoned decision refused'; END IF;
            RETURN NEW;
          END $fn$;
          CREATE TRIGGER refuse_poisoned_decision BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_poisoned_decision();
        `);
        try {
          const outcomes = new Map<string, number>();
          for (let round = 0; round < 10; round++) {
            const answers = await Promise.all(
              Array.from({ length: 66 }, async (_, i) => {
                const poisoned = i % 22 === 7;
                const res = await post(
                  '/decisions',
                  {
                    id: `round-${round}-${i}`,
                    summary: poisoned ? 'poisoned' : `decision ${i}`,
                    agreementId: 'race',
                    occurredAt: '2016-06-01',
                  },
                  apis[i % apis.length],
                );
                return `${poisoned ? 'poisoned' : 'valid'} ${res.status}`;
              }),
            );
            for (const answer of answers) outcomes.set(answer, (outcomes.get(answer) ?? 0) + 1);
          }
          expect(Object.fromEntries(outcomes)).toEqual({ 'valid 201': 630, 'poisoned 500': 30 });
          const { rows } = await admin.query<{ n: string }>(
            `SELECT count(*) AS n FROM events WHERE stream_id LIKE 'decision-round-%'`,
          );
          expect(rows[0]!.n).toBe('630');
        } finally {
          await admin.query(
            'DROP TRIGGER refuse_poisoned_decision ON events; DROP FUNCTION refuse_poisoned_decision()',
          );
          await admin.end();
        }
      }, 120_000);
    }
  });
}
