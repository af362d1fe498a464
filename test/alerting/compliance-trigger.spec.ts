import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { SqlEventStore } from '#event-store';
import { acknowledgeAlert, COMPLIANCE_ACTOR, ComplianceTrigger, type ComplianceEvaluator } from '#alerting';
import { alertIdFor, alertStreamId } from '#domain';
import { testDrivers, type TestDatabase } from '../support/db.js';
import {
  alertCommandsFor,
  at,
  evaluatorFor,
  MovableClock,
  openStore,
  Recorder,
  until,
  stopReadModels,
} from './support.js';

for (const driver of testDrivers) {
  driver.describe(`compliance trigger: evaluation when an event arrives (${driver.name})`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;
    let clock: MovableClock;
    let evaluator: ComplianceEvaluator;
    let officer: Recorder;
    let trigger: ComplianceTrigger;

    beforeAll(async () => {
      database = await driver.create();
      store = await openStore(database.db);
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

    const raised = async (alertId: string) =>
      (await store.readStream(alertStreamId(alertId))).filter((e) => e.type === 'AlertRaised').length;
    const caughtUp = async () => {
      const head = await store.headPosition();
      const checkpoint = await trigger.checkpoint();
      return head !== null && checkpoint !== null && store.comparePositions(checkpoint, head) >= 0;
    };

    test('a cancellation logged late is flagged as soon as it is recorded, without waiting for the tick', async () => {
      await officer.bilateralAgreementInForce('late-agreement', '2015-03-01');
      await officer.establishBoard('late-board', 'late-agreement', '2015-04-01');
      await officer.schedule('late-board', '2015-q2', '2015-09-10');
      await until(caughtUp, 10_000, 'the checkpoint');
      // The officer records on 15 October a cancellation made on 1 September.
      clock.set('2015-10-15');
      await officer.board('late-board', {
        type: 'CancelMeeting',
        data: { meetingId: '2015-q2', reason: 'Chief officers unavailable', occurredAt: at('2015-09-01') },
      });
      const alertId = alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'late-board', meetingId: '2015-q2' });
      await until(async () => (await raised(alertId)) === 1, 10_000, 'the alert');
      const [event] = await store.readStream(alertStreamId(alertId));
      const [cancellation] = (await store.readStream('board-late-board')).filter(
        (e) => e.type === 'BoardMeetingCancelled',
      );
      // The alert names the event that revealed the breach.
      expect(event).toMatchObject({
        actor: COMPLIANCE_ACTOR,
        causationId: cancellation!.eventId,
        correlationId: cancellation!.correlationId,
      });
      await until(caughtUp, 10_000, 'the checkpoint');
    });

    test('an agreement event re-evaluates the boards that oversee it', async () => {
      // The board is established while its agreement is still a draft: no meeting is owed yet.
      clock.set('2015-02-01');
      await officer.agreement('draft-agreement', {
        type: 'DraftAgreement',
        data: {
          title: 'Draft collaboration',
          legalBasis: 'mou',
          businessArea: 'roads policing',
          deliveryModel: 'virtual',
          parties: [
            {
              id: 'hampshire',
              name: 'Hampshire and Isle of Wight Constabulary',
              kind: 'territorial-police-force',
              policingBody: null,
            },
            { id: 'thames-valley', name: 'Thames Valley Police', kind: 'territorial-police-force', policingBody: null },
          ],
          occurredAt: at('2015-02-01'),
        },
      });
      await officer.establishBoard('draft-board', 'draft-agreement', '2015-02-02');
      await until(caughtUp, 10_000, 'the checkpoint');
      const alertId = alertIdFor('no-meeting-scheduled', { boardId: 'draft-board' });
      expect(await raised(alertId)).toBe(0);

      // Signing by both parties brings nothing into force until recorded; commencement does.
      for (const party of ['hampshire', 'thames-valley']) {
        await officer.agreement('draft-agreement', {
          type: 'SignAgreement',
          data: { party, signedBy: 'Chief Constable', occurredAt: at('2015-02-02') },
        });
      }
      await officer.agreement('draft-agreement', { type: 'BringIntoForce', data: { occurredAt: at('2015-02-02') } });
      await until(async () => (await raised(alertId)) === 1, 10_000, 'the board alert');
    });

    test('alert events do not trigger evaluations (the evaluator’s own output)', async () => {
      await until(caughtUp, 10_000, 'the checkpoint');
      const before = evaluator.stats().evaluations;
      const alertId = alertIdFor('no-meeting-scheduled', { boardId: 'draft-board' });
      await acknowledgeAlert(await alertCommandsFor(store), {
        alertId,
        acknowledgedBy: 'officer:test',
        now: clock.now(),
      });
      await until(caughtUp, 10_000, 'the checkpoint past the acknowledgement');
      expect(evaluator.stats().evaluations).toBe(before);
    });

    test('a new trigger carries on from the checkpoint', async () => {
      await trigger.stop();
      expect(trigger.status().state).toBe('stopped');
      const checkpoint = await trigger.checkpoint();
      clock.set('2015-03-01');
      await officer.schedule('draft-board', 'first', '2015-04-01');
      const alertId = alertIdFor('no-meeting-scheduled', { boardId: 'draft-board' });
      const resolved = async () =>
        (await store.readStream(alertStreamId(alertId))).some((e) => e.type === 'AlertResolved');
      expect(await resolved()).toBe(false);

      trigger = new ComplianceTrigger(database.db, store, evaluator, { retryDelayMs: 10 });
      await trigger.start();
      await until(resolved, 10_000, 'the resolution');
      await until(caughtUp, 10_000, 'the checkpoint');
      expect(store.comparePositions((await trigger.checkpoint())!, checkpoint!)).toBeGreaterThan(0);
      expect(trigger.status()).toMatchObject({ state: 'running', lastError: null });
    });
  });
}
