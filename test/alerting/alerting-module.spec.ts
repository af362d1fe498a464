import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Global, Logger, Module } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import { EventStore, SqlDatabase, type SqlEventStore } from '#event-store';
import { CqrsModule } from '@nestjs/cqrs';
import { ApplicationModule } from '#application';
import {
  AlertingModule,
  AlertingStatus,
  COMPLIANCE_SUBJECT_PROJECTIONS,
  COMPLIANCE_TICK_INTERVAL,
  ComplianceEvaluator,
  ComplianceTick,
  ComplianceTrigger,
} from '#alerting';
import { ProjectionsModule } from '#projections';
import { alertIdFor, alertStreamId } from '#domain';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { MovableClock, openStore, Recorder, until } from './support.js';

Logger.overrideLogger(['error']);

let database: TestDatabase;
let store: SqlEventStore;
let app: TestingModule;
const clock = new MovableClock('2015-01-01');

beforeAll(async () => {
  database = await pgliteDriver.create();
  store = await openStore(database.db);

  @Global()
  @Module({
    providers: [
      { provide: EventStore, useValue: store },
      { provide: SqlDatabase, useValue: database.db },
      { provide: MovableClock, useValue: clock },
    ],
    exports: [EventStore, SqlDatabase, MovableClock],
  })
  class TestPersistenceModule {}

  // The read models the evaluator finds its subjects in, as BackgroundModule composes them.
  @Global()
  @Module({
    imports: [ProjectionsModule.forRoot({ projections: COMPLIANCE_SUBJECT_PROJECTIONS })],
    exports: [ProjectionsModule],
  })
  class TestReadModelsModule {}

  app = await Test.createTestingModule({
    imports: [
      TestPersistenceModule,
      TestReadModelsModule,
      CqrsModule.forRoot(),
      ApplicationModule,
      AlertingModule.forRoot({ complianceTickMs: 50, clock: MovableClock }),
    ],
  }).compile();
  await app.init();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await database?.dispose();
});

test('the tick evaluates on its interval, reading the injected clock: time passing alone raises the alert', async () => {
  const officer = new Recorder(store, clock);
  await officer.bilateralAgreementInForce('tick-agreement', '2015-03-01');
  await officer.establishBoard('tick-board', 'tick-agreement', '2015-04-01');
  await officer.schedule('tick-board', '2015-q2', '2015-09-10');
  await officer.cancel('tick-board', '2015-q2', '2015-09-01');
  const alertId = alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'tick-board', meetingId: '2015-q2' });
  const raised = async () => (await store.readStream(alertStreamId(alertId))).length > 0;

  // Two ticks at least, with the clock within the 28 days: nothing.
  const ticks = () => app.get(AlertingStatus).report().tick?.ticks ?? 0;
  const start = ticks();
  await until(() => ticks() >= start + 2, 5000, 'two ticks');
  expect(await raised()).toBe(false);

  // No new event: only the clock moves.
  clock.set('2015-09-30');
  await until(raised, 5000, 'the alert from the tick');
  expect((await store.readStream(alertStreamId(alertId)))[0]!.occurredAt).toBe('2015-09-30T12:00:00.000Z');
});

test('exports the evaluator and a healthy status, with the tick registered in the SchedulerRegistry', async () => {
  expect(app.get(ComplianceEvaluator)).toBeInstanceOf(ComplianceEvaluator);
  expect(app.get(SchedulerRegistry).doesExist('interval', COMPLIANCE_TICK_INTERVAL)).toBe(true);
  const caughtUp = async () => (await app.get(AlertingStatus).lag()).lag === 0;
  await until(caughtUp, 10_000, 'the trigger at the head');
  const health = await app.get(AlertingStatus).health();
  expect(health).toMatchObject({ healthy: true, problems: [] });
  expect(health.report).toMatchObject({
    running: true,
    tick: { intervalMs: 50, scheduled: true },
    trigger: { state: 'running' },
    checkpoint: { name: 'compliance-evaluator', lag: 0 },
  });
  expect(health.report.checkpoint.position).not.toBeNull();
  expect(health.report.checkpoint.headPosition).not.toBeNull();
});

test('the trigger’s lag counts the events after its checkpoint, read from the database', async () => {
  const status = app.get(AlertingStatus);
  // The trigger (and the tick, which would append alerts) stopped: what the log gains, the checkpoint does not.
  const [tick, trigger] = [app.get(ComplianceTick), app.get(ComplianceTrigger)];
  await tick.stop();
  await trigger.stop();
  try {
    const before = await status.lag();
    const officer = new Recorder(store, clock);
    await officer.schedule('tick-board', '2016-q1', '2016-03-10');
    await officer.schedule('tick-board', '2016-q2', '2016-06-10');
    const after = await status.lag();
    expect(after).toEqual({
      name: 'compliance-evaluator',
      position: before.position,
      headPosition: await store.headPosition(),
      lag: before.lag! + 2,
    });
  } finally {
    await trigger.start();
    tick.start();
  }
});

test('stops the tick and the trigger on shutdown', async () => {
  const registry = app.get(SchedulerRegistry);
  const status = app.get(AlertingStatus);
  await app.close();
  expect(registry.doesExist('interval', COMPLIANCE_TICK_INTERVAL)).toBe(false);
  expect(status.report().trigger?.state).toBe('stopped');
  app = undefined as unknown as TestingModule;
});
