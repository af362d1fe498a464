import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readCheckpoint, type SqlEventStore } from '#event-store';
import { acknowledgeAlert, alertsProjection, getAlert, listAlerts, type ComplianceEvaluator } from '#alerting';
import { alertIdFor } from '#domain';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { alertCommandsFor, evaluatorFor, MovableClock, openStore, Recorder, until, stopReadModels } from './support.js';

for (const driver of testDrivers) {
  driver.describe(`alerts read model (${driver.name})`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;
    let clock: MovableClock;
    let evaluator: ComplianceEvaluator;
    let officer: Recorder;

    const BOARD = 'hampshire-tvp';
    const q2 = alertIdFor('meeting-cancelled-not-rearranged', { boardId: BOARD, meetingId: '2015-q2' });
    const q3 = alertIdFor('meeting-cancelled-not-rearranged', { boardId: BOARD, meetingId: '2015-q3' });

    beforeAll(async () => {
      database = await driver.create();
      store = await openStore(database.db);
      clock = new MovableClock('2015-01-01');
      // Its read models include the alerts one this spec reads.
      evaluator = await evaluatorFor(store, database.db, clock);
      officer = new Recorder(store, clock);

      await officer.bilateralAgreementInForce('hampshire-tvp-bilateral', '2015-03-01', '2016-03-31');
      await officer.establishBoard(BOARD, 'hampshire-tvp-bilateral', '2015-04-01');
      for (const [meeting, date] of [
        ['2015-q1', '2015-06-10'],
        ['2015-q2', '2015-09-10'],
        ['2015-q3', '2015-12-10'],
        ['2015-q4', '2016-03-10'],
      ]) {
        await officer.schedule(BOARD, meeting!, date!);
      }
      await officer.hold(BOARD, '2015-q1', '2015-06-10');
      await officer.cancel(BOARD, '2015-q2', '2015-09-01');
      await officer.cancel(BOARD, '2015-q3', '2015-12-01');
      await officer.hold(BOARD, '2015-q4', '2016-03-10');
      clock.set('2016-04-01');
      await evaluator.evaluateAll();
    });

    afterAll(async () => {
      await stopReadModels(store);
      await store?.close();
      await database?.dispose();
    });

    const caughtUp = async () => {
      const [head, checkpoint] = [await store.headPosition(), await readCheckpoint(database.db, alertsProjection.name)];
      return head !== null && checkpoint?.position != null && store.comparePositions(checkpoint.position, head) >= 0;
    };
    const projected = (alertId: string, status: string) => async () =>
      (await getAlert(database.db, alertId))?.status === status;

    test('lists the open alerts, red first, with their subject and when they were detected', async () => {
      await until(caughtUp, 10_000, 'the projection');
      const open = await listAlerts(database.db, { status: 'open' });
      expect(open.map((a) => [a.rule, a.severity])).toEqual([
        ['meeting-cancelled-not-rearranged', 'red'],
        ['meeting-cancelled-not-rearranged', 'red'],
        ['no-meeting-scheduled', 'amber'],
        ['review-overdue', 'amber'],
      ]);
      expect(await getAlert(database.db, q2)).toEqual({
        alertId: q2,
        rule: 'meeting-cancelled-not-rearranged',
        severity: 'red',
        status: 'open',
        subject: { boardId: BOARD, meetingId: '2015-q2', agreementId: null, party: null },
        reason: expect.stringContaining('was cancelled on 2015-09-01 and not rearranged within 28 days'),
        breachedOn: '2015-09-30',
        occurrence: 1,
        raisedAt: '2016-04-01T12:00:00.000Z',
        raisedRecordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        acknowledgement: null,
        resolution: null,
        lastPosition: expect.stringMatching(/^\d+$/),
      });
    });

    test('filters by board, agreement and rule', async () => {
      expect(
        (await listAlerts(database.db, { boardId: BOARD, rule: 'meeting-cancelled-not-rearranged' }))
          .map((a) => a.alertId)
          .sort(),
      ).toEqual([q2, q3].sort());
      expect((await listAlerts(database.db, { agreementId: 'hampshire-tvp-bilateral' })).map((a) => a.rule)).toEqual([
        'review-overdue',
      ]);
      expect(await listAlerts(database.db, { status: 'resolved' })).toEqual([]);
      expect(await getAlert(database.db, 'no-such-alert')).toBeNull();
    });

    test('shows an acknowledgement with who and the note, and a resolution with its reason', async () => {
      clock.set('2016-04-02T08:00:00.000Z');
      await acknowledgeAlert(await alertCommandsFor(store), {
        alertId: q2,
        acknowledgedBy: 'officer:opcc-governance',
        note: 'Raised with both chiefs',
        now: clock.now(),
      });
      await officer.rearrange(BOARD, '2015-q3', '2016-04-05', '2016-04-20');
      await evaluator.evaluateBoard(BOARD);
      await until(projected(q3, 'resolved'), 10_000, 'the resolution');
      await until(projected(q2, 'acknowledged'), 10_000, 'the acknowledgement');
      expect(await getAlert(database.db, q2)).toMatchObject({
        status: 'acknowledged',
        acknowledgement: {
          at: '2016-04-02T08:00:00.000Z',
          by: 'officer:opcc-governance',
          note: 'Raised with both chiefs',
        },
        resolution: null,
      });
      expect(await getAlert(database.db, q3)).toMatchObject({
        status: 'resolved',
        resolution: {
          at: '2016-04-05T12:00:00.000Z',
          reason: 'No longer detected on 2016-04-05: the meeting is now set for 2016-04-20.',
        },
      });
      expect((await listAlerts(database.db, { status: 'resolved' })).map((a) => a.alertId)).toContain(q3);
    });

    test('a new occurrence reopens the row and clears the old resolution', async () => {
      await officer.cancel(BOARD, '2015-q3', '2016-04-10');
      clock.set('2016-05-09');
      await evaluator.evaluateBoard(BOARD);
      await until(projected(q3, 'open'), 10_000, 'the new occurrence');
      expect(await getAlert(database.db, q3)).toMatchObject({
        occurrence: 2,
        resolution: null,
        acknowledgement: null,
        breachedOn: '2016-05-09',
      });
    });
  });
}
