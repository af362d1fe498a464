// The two ComplianceSubjects adapters on one log: SqlComplianceSubjects reads the SQL events table,
// LogComplianceSubjects reads the log through the EventStore port (as it must for KurrentDB, whose
// events are not in that table). Asked the same questions, they must give the same answers, also
// when the log's positions are commit/prepare pairs, and the log one must see an alert raised a
// moment ago.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EventStore, SqlEventStore } from '#event-store';
import {
  acknowledgeAlert,
  AGREEMENT_RULE_NAMES,
  BOARD_RULE_NAMES,
  ComplianceEvaluator,
  LogComplianceSubjects,
  SqlComplianceSubjects,
  type ComplianceSubjects,
  type SubjectKind,
} from '#alerting';
import { alertIdFor } from '#domain';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { alertCommandsFor, at, MovableClock, openStore, Recorder } from './support.js';

const RULE_SETS: readonly (readonly string[])[] = [
  BOARD_RULE_NAMES,
  AGREEMENT_RULE_NAMES,
  [...BOARD_RULE_NAMES, ...AGREEMENT_RULE_NAMES],
  ['meeting-cancelled-not-rearranged'],
  [],
];

/** Every question the evaluator asks, about every subject on record and one that is not. */
async function answers(subjects: ComplianceSubjects) {
  const boards = await subjects.boardIds();
  const agreements = await subjects.agreementIds();
  const overseeing: Record<string, string[]> = {};
  for (const agreementId of [...agreements, 'no-such-agreement']) {
    overseeing[agreementId] = await subjects.boardsOverseeing(agreementId);
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
      // The SQL adapter sorts by the database's collation: compare as sets.
      unresolved[`${kind}:${id}:${rules.join(',')}`] = [...(await subjects.unresolvedAlertIds(kind, id, rules))].sort();
    }
  }
  return { boards, agreements, overseeing, unresolved };
}

for (const driver of testDrivers) {
  driver.describe(`compliance subjects from the SQL table and from the log (${driver.name})`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;
    let pairs: EventStore;
    let clock: MovableClock;
    let officer: Recorder;
    let evaluator: ComplianceEvaluator;
    let sql: SqlComplianceSubjects;
    let log: LogComplianceSubjects;
    let logOfPairs: LogComplianceSubjects;

    beforeAll(async () => {
      database = await driver.create();
      store = await openStore(database.db);
      pairs = new CommitPreparePositionStore(store);
      clock = new MovableClock('2015-01-01');
      officer = new Recorder(store, clock);
      sql = new SqlComplianceSubjects(database.db);
      evaluator = new ComplianceEvaluator(store, await alertCommandsFor(store), sql, clock);
      // Small pages, so the index reads the log in several steps.
      log = new LogComplianceSubjects(store, { pageSize: 7 });
      logOfPairs = new LogComplianceSubjects(pairs, { pageSize: 5 });
    });

    afterAll(async () => {
      await store?.close();
      await database?.dispose();
    });

    test('an empty log has no subjects', async () => {
      const empty = await answers(sql);
      expect(empty).toMatchObject({ boards: [], agreements: [] });
      expect(await answers(log)).toEqual(empty);
      expect(await answers(logOfPairs)).toEqual(empty);
    });

    test('both give the same boards, agreements, overseers and unresolved alerts on the same log', async () => {
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

      const expected = await answers(sql);
      // Not a vacuous match: the log holds boards, agreements and alerts both open and resolved.
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
      expect(await answers(log)).toEqual(expected);
      expect(await answers(logOfPairs)).toEqual(expected);

      // Raised again after its resolution: unresolved once more, in both.
      await officer.cancel('board-one', '2015-q3', '2016-04-10');
      clock.set('2016-05-09');
      expect((await evaluator.evaluateBoard('board-one')).raised).toContain(q3);
      const again = await answers(sql);
      expect(again.unresolved[`board:board-one:${BOARD_RULE_NAMES.join(',')}`]).toContain(q3);
      expect(await answers(log)).toEqual(again);
      expect(await answers(logOfPairs)).toEqual(again);
    });

    test('the log adapter sees an alert raised a moment ago, even while other questions are being answered', async () => {
      await officer.schedule('board-one', '2016-q3', '2016-09-10');
      await officer.cancel('board-one', '2016-q3', '2016-09-01');
      const fresh = alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'board-one', meetingId: '2016-q3' });
      expect(await log.unresolvedAlertIds('board', 'board-one', BOARD_RULE_NAMES)).not.toContain(fresh);
      const busy = Promise.all(Array.from({ length: 20 }, () => logOfPairs.boardIds()));
      clock.set('2016-10-15');
      expect((await evaluator.evaluateBoard('board-one')).raised).toContain(fresh);
      expect(await log.unresolvedAlertIds('board', 'board-one', BOARD_RULE_NAMES)).toContain(fresh);
      expect(await logOfPairs.unresolvedAlertIds('board', 'board-one', BOARD_RULE_NAMES)).toContain(fresh);
      expect(await busy).toEqual(Array.from({ length: 20 }, () => ['board-one', 'board-two']));
    });
  });
}
