// The gauges read on scrape, on a store whose positions are KurrentDB commit/prepare pairs
// (test/support/commit-prepare-store.ts): the lags (projections, relay, compliance trigger), counted in events by the store, are reported;
// the position gauges, which can only hold numbers, are absent (decimal positions: metrics.spec.ts).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { advanceCheckpoint, migrateProcessors, readCheckpoint, type SqlEventStore } from '#event-store';
import { ProjectionRunner, ProjectionStatus, silentLogger } from '#projections';
import { alertsProjection } from '#alerting';
import { RelayCheckpoints } from '#messaging';
import { Metrics, MetricsCollectors } from '#platform';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { appendInterleaved, openStore } from '../messaging/support.js';

Logger.overrideLogger(['error']);

/** `name{labels}` → value, for the governance_ samples (the `process` label left out). */
async function scrape(metrics: Metrics): Promise<Map<string, number>> {
  // Several gauges share one read for 500 ms: wait it out, so each scrape reads afresh.
  await new Promise((resolve) => setTimeout(resolve, 600));
  const samples = new Map<string, number>();
  for (const line of (await metrics.render()).split('\n')) {
    const match = /^(governance_[a-z_]+)(\{.*\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = (match[2] ?? '').replace(/,?process="api"/, '').replace(/^\{,/, '{');
    samples.set(`${match[1]}${labels === '{}' ? '' : labels}`, Number(match[3]));
  }
  return samples;
}

let database: TestDatabase;
let sqlStore: SqlEventStore;
let store: CommitPreparePositionStore;
let runner: ProjectionRunner | null = null;

beforeAll(async () => {
  database = await pgliteDriver.create();
  sqlStore = await openStore(database.db);
  await migrateProcessors(database.db);
  store = new CommitPreparePositionStore(sqlStore);
});

afterAll(async () => {
  await runner?.stop();
  await store?.close();
  await database?.dispose();
});

test('relay, compliance trigger and projection lags are reported in events for commit/prepare positions; the position gauges are absent', async () => {
  await appendInterleaved(store, 50, { prefix: 'm' });
  const events = await store.readAll();
  await new RelayCheckpoints(database.db).save('kafka-relay', events[29]!.position);
  const trigger = { name: 'compliance-evaluator', kind: 'reactor' } as const;
  await advanceCheckpoint(database.db, trigger, events[39]!.position);
  runner = new ProjectionRunner(database.db, store, [alertsProjection], { logger: silentLogger });
  const status = new ProjectionStatus(database.db, store, [alertsProjection], runner);
  const metrics = new Metrics('api');
  new MetricsCollectors(metrics, database.db, store, status, null);

  const before = await scrape(metrics);
  expect(before.get('governance_relay_lag{relay="kafka-relay"}')).toBe(20);
  expect(before.get('governance_projection_lag{projection="alerts"}')).toBe(50);
  expect(before.get('governance_compliance_lag{processor="compliance-evaluator"}')).toBe(10);
  expect(before.has('governance_compliance_position{processor="compliance-evaluator"}')).toBe(false);
  // Nothing applied yet counts as 0 whatever the form; a pair has no numeric value.
  expect(before.get('governance_projection_position{projection="alerts"}')).toBe(0);
  expect(before.has('governance_relay_position{relay="kafka-relay"}')).toBe(false);
  expect(before.has('governance_log_head_position')).toBe(false);

  await runner.start();
  const head = await store.headPosition();
  const deadline = Date.now() + 10_000;
  while ((await readCheckpoint(database.db, alertsProjection.name))?.position !== head) {
    if (Date.now() > deadline) throw new Error('the alerts projection did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new RelayCheckpoints(database.db).save('kafka-relay', head!);
  await advanceCheckpoint(database.db, trigger, head!);

  const after = await scrape(metrics);
  expect(after.get('governance_relay_lag{relay="kafka-relay"}')).toBe(0);
  expect(after.get('governance_projection_lag{projection="alerts"}')).toBe(0);
  expect(after.get('governance_compliance_lag{processor="compliance-evaluator"}')).toBe(0);
  expect(after.has('governance_projection_position{projection="alerts"}')).toBe(false);
  expect(after.has('governance_log_head_position')).toBe(false);
});
