// The compliance subjects from the read models (board-compliance, agreement_register, alerts): the
// right boards, agreements, overseers and unresolved alerts, and an answer that waits until the read
// model it uses has reached the position asked about, so an alert raised a moment ago is never missed.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Position, SqlEventStore } from '#event-store';
import {
  acknowledgeAlert,
  AGREEMENT_RULE_NAMES,
  BOARD_RULE_NAMES,
  ReadModelComplianceSubjects,
  type ComplianceEvaluator,
  type ComplianceSubjects,
  type SubjectKind,
} from '#alerting';
import { alertIdFor, boardStreamId } from '#domain';
import { ProjectionLagError, ProjectionStatus, type ProjectionRunner } from '#projections';
import { testDrivers, type TestDatabase } from '../support/db.js';
import {
  alertCommandsFor,
  at,
  complianceReadModels,
  evaluatorFor,
  MovableClock,
  openStore,
  Recorder,
  stopReadModels,
} from './support.js';

const RULE_SETS: readonly (readonly string[])[] = [
  BOARD_RULE_NAMES,
  AGREEMENT_RULE_NAMES,
  [...BOARD_RULE_NAMES, ...AGREEMENT_RULE_NAMES],
  ['meeting-cancelled-not-rearranged'],
  [],
];

/** Every question the evaluator asks, about every subject on record and one that is not. */
async function answers(subjects: ComplianceSubjects, at: Position | null) {
  const boards = await subjects.boardIds(at);
  const agreements = await subjects.agreementIds(at);
  const overseeing: Record<string, string[]> = {};
  for (const agreementId of [...agreements, 'no-such-agreement']) {
    overseeing[agreementId] = await subjects.boardsOverseeing(agreementId, at);
  }
  const unresolved: Record<string, string[]> = {};
  const asked: [SubjectKind, string][] = [
    ...boards.map((id): [SubjectKind, string] => ['board', id]),
    ...agreements.map((id): [SubjectKind, string] => ['agreement', id]),
    ['board', 'no-such-board'],
    // A board id asked as an agreement: the subject field must match, not just the id.
    ...boards.map((id): [SubjectKind, string] => ['agreement', id]),
  ];
  for (const [kind, id] of asked) {
    for (const rules of RULE_SETS) {
      unresolved[`${kind}:${id}:${rules.join(',')}`] = await subjects.unresolvedAlertIds(kind, id, rules, at);
    }
  }
  return { boards, agreements, overseeing, unresolved };
}

for (const driver of testDrivers) {
  driver.describe(`compliance subjects from the read models (${driver.name})`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;
    let clock: MovableClock;
    let officer: Recorder;
    let evaluator: ComplianceEvaluator;
    let subjects: ComplianceSubjects;
    let runner: ProjectionRunner;

    beforeAll(async () => {
      database = await driver.create();
      store = await openStore(database.db);
      clock = new MovableClock('2015-01-01');
      officer = new Recorder(store, clock);
      evaluator = await evaluatorFor(store, database.db, clock);
      ({ subjects, runner } = await complianceReadModels(store, database.db));
    });

    afterAll(async () => {
      await stopReadModels(store);
      await store?.close();
      await database?.dispose();
    });

    test('an empty log has no subjects', async () => {
      const empty = await answers(subjects, await store.headPosition());
      expect(empty).toMatchObject({ boards: [], agreements: [], overseeing: { 'no-such-agreement': [] } });
      expect(Object.values(empty.unresolved).flat()).toEqual([]);
    });

    test('the boards, agreements, overseers and unresolved alerts the log holds', async () => {
      await officer.bilateralAgreementInForce('bilateral', '2015-03-01', '2016-03-31');
      await officer.establishBoard('board-one', 'bilateral', '2015-04-01');
      clock.set('2015-04-02');
      await officer.agreement('draft', {
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
          occurredAt: at('2015-04-02'),
        },
      });
      // A second board overseeing both agreements.
      await officer.board('board-two', {
        type: 'EstablishBoard',
        data: {
          name: 'Joint roads policing board',
          agreements: [
            { agreementId: 'bilateral', exists: true },
            { agreementId: 'draft', exists: true },
          ],
          chair: 'Hampshire Police and Crime Commissioner',
          maxDaysBetweenMeetings: 92,
          quorum: 2,
          occurredAt: at('2015-04-02'),
        },
      });
      for (const [meeting, date] of [
        ['2015-q2', '2015-09-10'],
        ['2015-q3', '2015-12-10'],
      ]) {
        await officer.schedule('board-one', meeting!, date!);
      }
      await officer.cancel('board-one', '2015-q2', '2015-09-01');
      await officer.cancel('board-one', '2015-q3', '2015-12-01');
      clock.set('2016-04-01');
      await evaluator.evaluateAll();
      // One alert resolved, then raised again; another acknowledged (still unresolved).
      const q3 = alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'board-one', meetingId: '2015-q3' });
      const q2 = alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'board-one', meetingId: '2015-q2' });
      await officer.rearrange('board-one', '2015-q3', '2016-04-05', '2016-04-20');
      expect((await evaluator.evaluateBoard('board-one')).resolved).toContain(q3);
      await acknowledgeAlert(await alertCommandsFor(store), {
        alertId: q2,
        acknowledgedBy: 'officer:test',
        now: clock.now(),
      });

      const expected = await answers(subjects, await store.headPosition());
      // The log holds boards, agreements and alerts both open, acknowledged and resolved.
      expect(expected.boards).toEqual(['board-one', 'board-two']);
      expect(expected.agreements).toEqual(['bilateral', 'draft']);
      expect(expected.overseeing).toEqual({
        bilateral: ['board-one', 'board-two'],
        draft: ['board-two'],
        'no-such-agreement': [],
      });
      expect(expected.unresolved[`board:board-one:${BOARD_RULE_NAMES.join(',')}`]).toContain(q2);
      expect(expected.unresolved[`board:board-one:${BOARD_RULE_NAMES.join(',')}`]).not.toContain(q3);
      expect(expected.unresolved[`agreement:bilateral:${AGREEMENT_RULE_NAMES.join(',')}`]).toHaveLength(1);
      // A board id asked as an agreement, and a rule set without the alert's rule, find nothing.
      expect(expected.unresolved[`agreement:board-one:${AGREEMENT_RULE_NAMES.join(',')}`]).toEqual([]);
      expect(expected.unresolved['board:board-one:']).toEqual([]);
      expect(expected.unresolved['board:board-one:meeting-cancelled-not-rearranged']).toEqual([q2]);

      // Raised again after its resolution: unresolved once more, in both.
      await officer.cancel('board-one', '2015-q3', '2016-04-10');
      clock.set('2016-05-09');
      expect((await evaluator.evaluateBoard('board-one')).raised).toContain(q3);
      const again = await answers(subjects, await store.headPosition());
      expect(again.unresolved[`board:board-one:${BOARD_RULE_NAMES.join(',')}`]).toContain(q3);
      expect(again.unresolved['board:board-one:meeting-cancelled-not-rearranged']).toEqual([q2, q3].sort());
    });

    test('an answer waits until the read model has reached the position asked about', async () => {
      await officer.schedule('board-one', '2016-q3', '2016-09-10');
      await officer.cancel('board-one', '2016-q3', '2016-09-01');
      const fresh = alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'board-one', meetingId: '2016-q3' });
      // Every read model reaches the cancellation, then the projections stop: the alert raised now is
      // in the log, not in the read model.
      const cancellation = (await store.readStream(boardStreamId('board-one'))).at(-1)!;
      await subjects.unresolvedAlertIds('board', 'board-one', BOARD_RULE_NAMES, cancellation.position);
      await subjects.boardIds(cancellation.position);
      await runner.stop();
      clock.set('2016-10-15');
      expect((await evaluator.evaluateBoard('board-one', cancellation)).raised).toContain(fresh);
      const raisedAt = (await store.headPosition())!;
      expect(store.comparePositions(raisedAt, cancellation.position)).toBeGreaterThan(0);

      let answered = false;
      const asked = subjects.unresolvedAlertIds('board', 'board-one', BOARD_RULE_NAMES, raisedAt).then((ids) => {
        answered = true;
        return ids;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered).toBe(false);
      await runner.start();
      expect(await asked).toContain(fresh);
    });

    test('an answer that cannot wait long enough fails with the lag, rather than answer from an older read model', async () => {
      await runner.stop();
      try {
        await officer.schedule('board-one', '2016-q4', '2016-12-10');
        const impatient = new ReadModelComplianceSubjects(
          database.db,
          new ProjectionStatus(database.db, store, runner.projections),
          { waitMs: 200 },
        );
        await expect(impatient.boardIds(await store.headPosition())).rejects.toBeInstanceOf(ProjectionLagError);
      } finally {
        await runner.start();
      }
    });
  });
}
