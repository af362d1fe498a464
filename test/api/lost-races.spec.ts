import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { startApi, type ApiHarness } from './api-harness.js';

/*
 * Many writers on one stream through the real HTTP API: a write without expectedRevision that
 * loses a race is decided again on fresh state (README "Optimistic concurrency"), so it never
 * answers 409; a client's own stale expectedRevision still does. On PostgreSQL the writers go
 * through two API processes on one database, so they race across processes too (within one
 * process, writes to a stream queue up).
 */

const WRITERS = 32;
const WRITES_EACH = 20;
const PARTIES = ['avon-somerset', 'dorset'];

for (const driver of testDrivers) {
  driver.describe(`lost races on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    const apis: ApiHarness[] = [];
    const post = (path: string, body: object, api = apis[0]) => api.admin.post(path).send(body);

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
      const before = (await apis[0].admin.get('/streams/agreement-race/events?limit=1000')).body.events
        .length as number;
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, async (_, writer) => {
          const mine: { status: number; revision: number; code?: string }[] = [];
          for (let n = 0; n < WRITES_EACH; n++) {
            const res = await post(
              '/agreements/race/variations',
              { summary: `writer ${writer} write ${n}`, occurredAt: '2016-05-01' },
              apis[writer % apis.length],
            );
            mine.push({ status: res.status, revision: res.body.revision, code: res.body.code });
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

      const trail = await apis[0].admin.get(`/streams/agreement-race/events?limit=1000`);
      const events = trail.body.events as { revision: number; data: { summary?: string } }[];
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
      const summaries = events.slice(before).map((e) => e.data.summary);
      expect(new Set(summaries).size).toBe(WRITERS * WRITES_EACH);
    }, 120_000);

    test('a stale expectedRevision the client sent is still a 409 naming what it sent and the current revision', async () => {
      const current =
        ((await apis[0].admin.get('/streams/agreement-race/events?limit=1000')).body.events.length as number) - 1;
      const res = await post('/agreements/race/variations', {
        summary: 'stale',
        occurredAt: '2016-05-01',
        expectedRevision: current - 3,
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'concurrency-conflict', currentRevision: current });
      expect(res.body.detail).toContain(`revision ${current - 3}`);
      expect(res.body.detail).toContain(`at revision ${current}`);
    });
  });
}
