import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { EventStore, type Position } from '#event-store';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, type HealthBody } from '../support/http.js';

/*
 * /health is open to anyone (load balancers), so what it says without a token is a code and the
 * name of what is down; the error itself (a parked event's SQL error) is for an administrator.
 */

const SECRET = 'health-detail-test-secret-of-32-bytes!';
const SQL_ERROR = /null value|violates|not-null|constraint|relation/i;

for (const driver of testDrivers) {
  driver.describe(`/health of a parked event on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(database ? { DATABASE_URL: database.url as string, AUTH_JWT_SECRET: SECRET } : {});
      // Around the domain, straight into the log: a decision without a summary, which the decisions
      // read model cannot store (its summary column is NOT NULL), so the projection parks it.
      await api.app
        .get(EventStore)
        .append(
          'decision-poison',
          [{ type: 'DecisionRecorded', occurredAt: '2016-01-01', data: { decisionId: 'poison' } }],
          {
            expectedRevision: 'no-stream',
            actor: 'test',
          },
        );
      for (;;) {
        const health = await api.http.get('/health');
        if (bodyOf<HealthBody>(health).error?.projections?.projections?.some((p: { parked: number }) => p.parked > 0))
          break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 60_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('without a token: 503 naming the projection and a code, never the SQL error', async () => {
      const health = await api.http.get('/health');
      expect(health.status).toBe(503);
      expect(health.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(bodyOf<HealthBody>(health).error?.projections.problems).toEqual([
        'decisions has 1 parked event it could not apply (code projection-event-parked).',
      ]);
      const decisions = bodyOf<HealthBody>(health).details.projections.projections.find(
        (p: { name: string }) => p.name === 'decisions',
      );
      expect(decisions).toMatchObject({ parked: 1, lastError: { code: 'projection-apply-failed' } });
      expect(health.text).not.toMatch(SQL_ERROR);
    });

    test('with a token that is not an administrator’s, or one that does not verify: the same public view, never a 401', async () => {
      const officer = await api
        .client(await api.token({ sub: 'dai.jones', roles: ['officer'], force: 'gwent' }))
        .get('/health');
      const forged = await api.http.get('/health').set('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.forged');
      for (const health of [officer, forged]) {
        expect(health.status).toBe(503);
        expect(health.text).not.toMatch(SQL_ERROR);
        expect(bodyOf<HealthBody>(health).error?.projections.problems).toEqual([
          expect.stringContaining('code projection-event-parked'),
        ]);
      }
    });

    test('the compliance trigger’s lag: its checkpoint and the head, 0 once it has dealt with the whole log', async () => {
      const checkpointOf = async () => {
        const health = await api.http.get('/health');
        const compliance = bodyOf<HealthBody>(health).details.compliance as {
          report: {
            checkpoint: { name: string; position: Position | null; headPosition: Position | null; lag: number };
          };
        };
        return compliance.report.checkpoint;
      };
      const head = await api.app.get(EventStore).headPosition();
      const deadline = Date.now() + 30_000;
      let checkpoint = await checkpointOf();
      while (checkpoint.lag !== 0) {
        if (Date.now() > deadline)
          throw new Error(`the compliance trigger did not catch up: ${JSON.stringify(checkpoint)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        checkpoint = await checkpointOf();
      }
      expect(checkpoint).toEqual({
        name: 'compliance-evaluator',
        position: checkpoint.headPosition,
        headPosition: checkpoint.headPosition,
        lag: 0,
      });
      // Past the poison event at least: the head when the test began.
      expect(head).not.toBeNull();
      const store = api.app.get(EventStore);
      expect(store.comparePositions(checkpoint.position!, head!)).toBeGreaterThanOrEqual(0);
    });

    test("with an administrator's token: the parked event's error itself", async () => {
      const health = await api.admin.get('/health');
      expect(health.status).toBe(503);
      expect(bodyOf<HealthBody>(health).error?.projections.problems).toEqual([
        expect.stringMatching(/^decisions has 1 parked event .*summary/),
      ]);
      expect(health.text).toMatch(SQL_ERROR);
    });
  });
}
