import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  addDays,
  alertIdFor,
  boardHistoryOf,
  evolveBoard,
  financialYearOf,
  initialBoardState,
  parseFinancialYear,
  type BoardEvent,
  type BoardState,
} from '#domain';
import { inquorateMeeting, meetingCancelledNotRearranged, meetingOutcomeMissing, meetingOverdue } from '#alerting';
import { assessBoardCompliance, breachesInYear } from '#projections';

/**
 * The yearly report and the alerts are two readings of one rule book: a generated board history is
 * replayed day by day through the alert rules (a clock tick at the start of each day, then an evaluation
 * after the day's fact), and every financial year's report is compared with the alerts raised.
 */

const BOARD_ID = 'prop-board';
const at = (date: string): string => `${date}T00:00:00.000Z`;
const clock = (date: string): Date => new Date(`${date}T09:30:00.000Z`);
const RULES = [meetingCancelledNotRearranged, meetingOverdue, meetingOutcomeMissing, inquorateMeeting];

type Step =
  | { kind: 'schedule'; after: number; ahead: number }
  | { kind: 'hold'; after: number; pick: number; quorate: boolean }
  | { kind: 'cancel'; after: number; pick: number }
  | { kind: 'rearrange'; after: number; pick: number; ahead: number }
  | { kind: 'terms'; after: number; maxDays: number; within: number };

const after = fc.integer({ min: 1, max: 45 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('schedule' as const), after, ahead: fc.integer({ min: 0, max: 120 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('hold' as const), after, pick: fc.nat(), quorate: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), after, pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rearrange' as const),
      after,
      pick: fc.nat(),
      ahead: fc.integer({ min: 0, max: 60 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('terms' as const),
      after,
      maxDays: fc.integer({ min: 30, max: 150 }),
      within: fc.integer({ min: 5, max: 45 }),
    }),
  },
);

const history = fc.record({
  establishedOn: fc.integer({ min: 0, max: 364 }).map((days) => addDays('2015-01-01', days)),
  maxDays: fc.integer({ min: 30, max: 150 }),
  within: fc.integer({ min: 5, max: 45 }),
  steps: fc.array(step, { minLength: 5, maxLength: 45 }),
});

/** Valid board events, at most one a day, from the generated steps (steps that would be refused are skipped). */
function eventsOf({
  establishedOn,
  maxDays,
  within,
  steps,
}: {
  establishedOn: string;
  maxDays: number;
  within: number;
  steps: Step[];
}): BoardEvent[] {
  const terms = { chair: 'Chair', quorum: 2 };
  const events: BoardEvent[] = [
    {
      type: 'GovernanceBoardEstablished',
      occurredAt: at(establishedOn),
      data: {
        boardId: BOARD_ID,
        name: 'Board',
        agreementIds: ['a'],
        ...terms,
        maxDaysBetweenMeetings: maxDays,
        rearrangeWithinDays: within,
      },
    },
  ];
  const meetings = new Map<string, { status: 'scheduled' | 'held' | 'cancelled'; date: string }>();
  let today = establishedOn;
  const open = (status: 'scheduled' | 'cancelled' | 'either') =>
    [...meetings.entries()].filter(([, m]) => (status === 'either' ? m.status !== 'held' : m.status === status));
  for (const s of steps) {
    today = addDays(today, s.after);
    const on = at(today);
    const data = { boardId: BOARD_ID };
    if (s.kind === 'schedule') {
      const meetingId = `m${meetings.size + 1}`;
      const scheduledFor = addDays(today, s.ahead);
      meetings.set(meetingId, { status: 'scheduled', date: scheduledFor });
      events.push({ type: 'BoardMeetingScheduled', occurredAt: on, data: { ...data, meetingId, scheduledFor } });
    } else if (s.kind === 'hold' || s.kind === 'cancel') {
      const candidates = open('scheduled');
      if (candidates.length === 0) continue;
      const [meetingId, meeting] = candidates[s.pick % candidates.length]!;
      if (s.kind === 'hold') {
        meeting.status = 'held';
        const attendees = [{ name: 'A', body: 'a' }];
        events.push({
          type: 'BoardMeetingHeld',
          occurredAt: on,
          data: {
            ...data,
            meetingId,
            heldOn: today,
            scheduledFor: meeting.date,
            attendees,
            quorate: s.quorate,
            quorum: 2,
          },
        });
      } else {
        meeting.status = 'cancelled';
        events.push({
          type: 'BoardMeetingCancelled',
          occurredAt: on,
          data: { ...data, meetingId, reason: 'r', scheduledFor: meeting.date },
        });
      }
    } else if (s.kind === 'rearrange') {
      const candidates = open('either');
      if (candidates.length === 0) continue;
      const [meetingId, meeting] = candidates[s.pick % candidates.length]!;
      const newDate = addDays(today, s.ahead);
      if (meeting.status === 'scheduled' && newDate === meeting.date) continue;
      const wasCancelled = meeting.status === 'cancelled';
      events.push({
        type: 'BoardMeetingRearranged',
        occurredAt: on,
        data: { ...data, meetingId, previousDate: meeting.date, newDate, wasCancelled },
      });
      Object.assign(meeting, { status: 'scheduled', date: newDate });
    } else {
      const changed: ('maxDaysBetweenMeetings' | 'rearrangeWithinDays')[] = [
        'maxDaysBetweenMeetings',
        'rearrangeWithinDays',
      ];
      events.push({
        type: 'BoardTermsChanged',
        occurredAt: on,
        data: { ...data, changed, ...terms, maxDaysBetweenMeetings: s.maxDays, rearrangeWithinDays: s.within },
      });
    }
  }
  return events;
}

interface Occurrence {
  alertId: string;
  raisedOn: string;
  breachedOn: string | null;
  resolvedOn: string | null;
}

/** The evaluator's decisions, day by day: raise what holds and is not active, resolve what is active and no longer holds. */
function replayAlerts(events: readonly BoardEvent[], until: string): Occurrence[] {
  const byDay = new Map<string, BoardEvent[]>();
  for (const event of events)
    byDay.set(event.occurredAt.slice(0, 10), [...(byDay.get(event.occurredAt.slice(0, 10)) ?? []), event]);
  const occurrences: Occurrence[] = [];
  const active = new Map<string, Occurrence>();
  const evaluate = (board: BoardState, day: string) => {
    const conditions = RULES.flatMap((rule) => rule({ board, agreements: [] }, clock(day)));
    for (const c of conditions) {
      if (active.has(c.alertId)) continue;
      const occurrence = { alertId: c.alertId, raisedOn: day, breachedOn: c.breachedOn, resolvedOn: null };
      active.set(c.alertId, occurrence);
      occurrences.push(occurrence);
    }
    const holding = new Set(conditions.map((c) => c.alertId));
    for (const [alertId, occurrence] of active) {
      if (holding.has(alertId)) continue;
      occurrence.resolvedOn = day;
      active.delete(alertId);
    }
  };
  let board = initialBoardState();
  const first = events[0]!.occurredAt.slice(0, 10);
  for (let day = first; day <= until; day = addDays(day, 1)) {
    if (board.status === 'established') evaluate(board, day);
    const today = byDay.get(day);
    if (!today) continue;
    for (const event of today) board = evolveBoard(board, event);
    evaluate(board, day);
  }
  return occurrences;
}

function financialYears(from: string, to: string): string[] {
  const years: string[] = [];
  for (let year = financialYearOf(from); ;) {
    years.push(year);
    const span = parseFinancialYear(year);
    if (!span || span.end >= to) return years;
    year = financialYearOf(addDays(span.end, 1));
  }
}

describe('one rule book for the yearly report and the alerts', () => {
  test('every breach in a year’s report has its alert raised on the day it began and resolved on the day it ended, and every alert raised in a year (or still active when it began) is in that year’s report', () => {
    fc.assert(
      fc.property(history, (generated) => {
        const events = eventsOf(generated);
        const until = addDays(events.at(-1)!.occurredAt.slice(0, 10), 150);
        const alerts = replayAlerts(events, until);
        const board = events.reduce(evolveBoard, initialBoardState());
        const { facts, terms, establishedOn } = boardHistoryOf(board);
        const record = { boardId: BOARD_ID, name: 'Board', agreementIds: ['a'], establishedOn };

        for (const financialYear of financialYears(establishedOn, until)) {
          const span = parseFinancialYear(financialYear)!;
          const breaches = breachesInYear(record, terms, facts, { financialYear, asOf: until });
          const report = assessBoardCompliance(record, terms, facts, { financialYear, asOf: until });

          for (const breach of breaches) {
            const raised = alerts.find(
              (a) => a.alertId === alertIdFor(breach.rule, breach.subject) && a.raisedOn === breach.began,
            );
            expect({ financialYear, breach, raised: raised ?? null }).toEqual({
              financialYear,
              breach,
              raised: {
                alertId: alertIdFor(breach.rule, breach.subject),
                raisedOn: breach.began,
                breachedOn: breach.began,
                resolvedOn: breach.ended,
              },
            });
          }
          // Raised in the year, or raised earlier and still active when it began.
          for (const alert of alerts.filter(
            (a) => a.raisedOn <= span.end && (a.resolvedOn === null || a.resolvedOn >= span.start),
          )) {
            const reported = breaches.find(
              (b) => alertIdFor(b.rule, b.subject) === alert.alertId && b.began === alert.raisedOn,
            );
            expect({ financialYear, alert, reported: reported !== undefined }).toEqual({
              financialYear,
              alert,
              reported: true,
            });
          }
          const worst = breaches.some((b) => b.severity === 'red') ? 'red' : breaches.length > 0 ? 'amber' : 'green';
          expect({ financialYear, status: report.status }).toEqual({ financialYear, status: worst });
          expect(report.reasons.length > 0).toBe(breaches.length > 0);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  test('a meeting rearranged after its deadline: red in that year’s report, its alert raised on the first day late and resolved on the rearrangement', () => {
    const events: BoardEvent[] = [
      {
        type: 'GovernanceBoardEstablished',
        occurredAt: at('2015-04-01'),
        data: {
          boardId: BOARD_ID,
          name: 'Board',
          agreementIds: ['a'],
          chair: 'Chair',
          quorum: 2,
          maxDaysBetweenMeetings: 365,
          rearrangeWithinDays: 28,
        },
      },
      {
        type: 'BoardMeetingScheduled',
        occurredAt: at('2015-04-01'),
        data: { boardId: BOARD_ID, meetingId: 'x', scheduledFor: '2015-06-01' },
      },
      {
        type: 'BoardMeetingCancelled',
        occurredAt: at('2015-05-20'),
        data: { boardId: BOARD_ID, meetingId: 'x', reason: 'r', scheduledFor: '2015-06-01' },
      },
      {
        type: 'BoardMeetingRearranged',
        occurredAt: at('2015-07-01'),
        data: {
          boardId: BOARD_ID,
          meetingId: 'x',
          previousDate: '2015-06-01',
          newDate: '2015-07-20',
          wasCancelled: true,
        },
      },
    ];
    expect(replayAlerts(events, '2015-07-10')).toEqual([
      {
        alertId: `meeting-cancelled-not-rearranged--${BOARD_ID}--x`,
        raisedOn: '2015-06-18',
        breachedOn: '2015-06-18',
        resolvedOn: '2015-07-01',
      },
    ]);
    const board = events.reduce(evolveBoard, initialBoardState());
    const { facts, terms } = boardHistoryOf(board);
    const record = { boardId: BOARD_ID, name: 'Board', agreementIds: ['a'], establishedOn: '2015-04-01' };
    const report = assessBoardCompliance(record, terms, facts, { financialYear: '2015-16', asOf: '2015-07-10' });
    expect(report.status).toBe('red');
    expect(report.reasons).toEqual([
      'The meeting due on 1 June 2015 (x) was cancelled on 20 May 2015 and not rearranged within 28 days.',
    ]);
  });
});
