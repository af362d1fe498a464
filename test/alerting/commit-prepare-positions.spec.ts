// The compliance trigger and the alerts read model on a store whose positions are KurrentDB
// commit/prepare pairs (test/support/commit-prepare-store.ts): every position they store and hand
// back is a pair, compared in log order, and the evaluator finds its subjects in read models whose
// checkpoints are pairs.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readCheckpoint, type Position, type SqlEventStore, type StoredEvent } from '#event-store';
import {
  acknowledgeAlert,
  alertsProjection,
  COMPLIANCE_SUBJECT_PROJECTIONS,
  ComplianceTrigger,
  getAlert,
  type ComplianceEvaluator,
} from '#alerting';
import { alertIdFor, alertStreamId } from '#domain';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import {
  alertCommandsFor,
  at,
  evaluatorFor,
  MovableClock,
  openStore,
  Recorder,
  stopReadModels,
  until,
} from './support.js';

const PAIR = /^[0-9a-f]{16}\/[0-9a-f]{16}$/;

for (const driver of testDrivers) {
  driver.describe(`compliance trigger and alerts read model on commit/prepare positions (${driver.name})`, () => {
    let database: TestDatabase;
    let sqlStore: SqlEventStore;
    let store: CommitPreparePositionStore;
    let clock: MovableClock;
    let evaluator: ComplianceEvaluator;
    let officer: Recorder;
    let trigger: ComplianceTrigger;

    const alertId = alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'pair-board', meetingId: '2015-q2' });

    beforeAll(async () => {
      database = await driver.create();
      sqlStore = await openStore(database.db);
      store = new CommitPreparePositionStore(sqlStore);
      clock = new MovableClock('2015-01-01');
      evaluator = await evaluatorFor(store, database.db, clock);
      officer = new Recorder(store, clock);
      trigger = new ComplianceTrigger(database.db, store, evaluator, { retryDelayMs: 10 });
      await trigger.start();
    });

    afterAll(async () => {
      await trigger?.stop();
      await stopReadModels(store);
      await store?.close();
      await database?.dispose();
    });

    const reached = async (position: Position | null | undefined) => {
      const head = await store.headPosition();
      return head !== null && position != null && store.comparePositions(position, head) >= 0;
    };
    const triggerCaughtUp = async () => reached(await trigger.checkpoint());
    const projected = async () => reached((await readCheckpoint(database.db, alertsProjection.name))?.position);
    const alertEvents = () => store.readStream(alertStreamId(alertId));

    test('the read models the evaluator reads its subjects from checkpoint pairs', async () => {
      await officer.bilateralAgreementInForce('pair-agreement', '2015-03-01');
      await officer.establishBoard('pair-board', 'pair-agreement', '2015-04-01');
      const head = (await store.headPosition())!;
      expect(head).toMatch(PAIR);
      expect(await evaluator.evaluateAgreement('pair-agreement')).toHaveLength(2);
      for (const projection of COMPLIANCE_SUBJECT_PROJECTIONS) {
        const position = (await readCheckpoint(database.db, projection.name))?.position;
        expect(position).toMatch(PAIR);
        expect(store.comparePositions(position!, head)).toBeGreaterThanOrEqual(0);
      }
    });

    test('the trigger flags a breach from the event that reveals it and checkpoints the pair of the last event', async () => {
      await officer.schedule('pair-board', '2015-q2', '2015-09-10');
      await until(triggerCaughtUp, 10_000, 'the trigger checkpoint');
      // Recorded on 15 October: a cancellation made on 1 September, not rearranged within 28 days.
      clock.set('2015-10-15');
      await officer.board('pair-board', {
        type: 'CancelMeeting',
        data: { meetingId: '2015-q2', reason: 'Chief officers unavailable', occurredAt: at('2015-09-01') },
      });
      await until(async () => (await alertEvents()).length === 1, 10_000, 'the alert');
      await until(triggerCaughtUp, 10_000, 'the trigger checkpoint past the alert');

      const checkpoint = await trigger.checkpoint();
      expect(checkpoint).toMatch(PAIR);
      expect(checkpoint).toBe(await store.headPosition());
      expect(trigger.status()).toMatchObject({ state: 'running', position: checkpoint, lastError: null });
      // Stored as its key, which for a pair is the pair itself.
      const { rows } = await database.db.query<{ position: string }>(
        "SELECT position FROM processor_checkpoints WHERE name = 'compliance-evaluator'",
      );
      expect(rows).toEqual([{ position: checkpoint }]);
    });

    test('a new trigger carries on from its pair checkpoint', async () => {
      await trigger.stop();
      const checkpoint = (await trigger.checkpoint())!;
      clock.set('2015-10-20');
      await officer.rearrange('pair-board', '2015-q2', '2015-10-20', '2015-11-05');
      const resolved = async () => (await alertEvents()).some((e) => e.type === 'AlertResolved');
      expect(await resolved()).toBe(false);

      trigger = new ComplianceTrigger(database.db, store, evaluator, { retryDelayMs: 10 });
      await trigger.start();
      await until(resolved, 10_000, 'the resolution');
      await until(triggerCaughtUp, 10_000, 'the trigger checkpoint');
      const moved = (await trigger.checkpoint())!;
      expect(moved).toMatch(PAIR);
      expect(store.comparePositions(moved, checkpoint)).toBeGreaterThan(0);
    });

    test('the alerts read model keeps the pair of the last event applied to each alert', async () => {
      await until(projected, 10_000, 'the alerts projection');
      const events = await alertEvents();
      expect(events.map((e) => e.type)).toEqual(['AlertRaised', 'AlertResolved']);
      expect(await getAlert(database.db, alertId)).toMatchObject({
        status: 'resolved',
        lastPosition: events[1]!.position,
      });
      expect((await readCheckpoint(database.db, alertsProjection.name))?.position).toMatch(PAIR);

      clock.set('2015-11-20');
      await officer.cancel('pair-board', '2015-q2', '2015-11-01');
      clock.set('2015-12-01');
      await evaluator.evaluateBoard('pair-board');
      await until(projected, 10_000, 'the alerts projection past the new occurrence');
      const again = (await alertEvents()).at(-1)!;
      expect(again.type).toBe('AlertRaised');
      expect(await getAlert(database.db, alertId)).toMatchObject({
        status: 'open',
        occurrence: 2,
        lastPosition: again.position,
      });

      await acknowledgeAlert(await alertCommandsFor(store), {
        alertId,
        acknowledgedBy: 'officer:test',
        now: clock.now(),
      });
      await until(projected, 10_000, 'the alerts projection past the acknowledgement');
      const acknowledgement = (await alertEvents()).at(-1)!;
      expect(acknowledgement.type).toBe('AlertAcknowledged');
      expect(await getAlert(database.db, alertId)).toMatchObject({
        status: 'acknowledged',
        lastPosition: acknowledgement.position,
      });
    });

    test('an event older than the row’s last position changes nothing (pairs compared in log order)', async () => {
      const [first] = await alertEvents();
      const before = await getAlert(database.db, alertId);
      await database.db.transaction((tx) => alertsProjection.apply({ tx, t: (table) => table }, first as StoredEvent));
      expect(await getAlert(database.db, alertId)).toEqual(before);
    });
  });
}
