import {
  addDays,
  boardBreaches,
  daysBetween,
  OUTCOME_GRACE_DAYS,
  parseFinancialYear,
  ValidationError,
  type Breach,
  type FinancialYearSpan,
  type BoardTermsRecord,
  type MeetingFact,
} from '#domain';
import { longDate } from '../shared.js';

export type { BoardTermsRecord, MeetingFact };

export interface BoardRecord {
  boardId: string;
  name: string;
  agreementIds: string[];
  establishedOn: string;
}

export type Rag = 'green' | 'amber' | 'red';

export interface Cancellation {
  meetingId: string;
  /** The meeting's date when it was cancelled. */
  meetingDate: string;
  cancelledOn: string;
  reason: string | null;
  /** When it was put back in the diary, and for which date; null when it was not (by `asOf`). */
  rearrangedOn: string | null;
  rearrangedTo: string | null;
  /** No rearrangement within `rearrangeWithinDays` of the cancellation, and that time has passed (a breach, by `asOf`). */
  notRearranged: boolean;
  /** The last day to rearrange it: the cancellation day plus the terms' `rearrangeWithinDays` then in force. */
  rearrangeBy: string;
  /**
   * `awaiting-rearrangement` from the day it was cancelled until it is rearranged or `rearrangeBy` passes (by
   * `asOf`): not yet a breach, but shown at once rather than only when the time runs out.
   */
  state: 'rearranged' | 'awaiting-rearrangement' | 'not-rearranged';
}

export interface BoardCompliance {
  boardId: string;
  name: string;
  financialYear: string;
  /** Facts after this date are left out (valid time). */
  asOf: string;
  periodStart: string;
  /** The end of the financial year, or `asOf` when that is earlier. */
  periodEnd: string;
  terms: Omit<BoardTermsRecord, 'effectiveOn'>;
  counts: { scheduled: number; held: number; quorate: number; cancelled: number; cancelledNotRearranged: number };
  longestGap: { days: number; from: string; to: string } | null;
  cancellations: Cancellation[];
  status: Rag;
  /** Why the status is not green, as sentences; empty when green. */
  reasons: string[];
}

interface MeetingView {
  meetingId: string;
  /** Every date it was in the diary for. */
  dates: Set<string>;
  status: 'scheduled' | 'held' | 'cancelled';
  scheduledFor: string;
  heldOn: string | null;
  quorate: boolean | null;
  cancellations: Cancellation[];
}

/**
 * Judges a board against its terms of reference for one financial year, with what was known to
 * have happened by `asOf` (docs/domain.md, "The yearly compliance report"). The status and reasons
 * are the rule book's breaches (libs/domain/src/compliance) that overlapped the year: begun by the end
 * of the period and not put right before the year began. Red for a cancelled meeting not rearranged in
 * time or a gap between meetings held longer than the terms allow; amber for an inquorate meeting or a
 * meeting whose outcome was missing past the grace days.
 *
 * The counts, cancellations and longest gap describe the year: meetings count in the year their date
 * falls in; the gap runs from the last meeting held before the year (or the board's establishment, or
 * the year's start) through each meeting held in the year to the end of the period. The terms shown
 * are those in force at the end of the period.
 */
export function assessBoardCompliance(
  board: BoardRecord,
  termsHistory: readonly BoardTermsRecord[],
  facts: readonly MeetingFact[],
  { financialYear, asOf }: { financialYear: string; asOf: string },
): BoardCompliance {
  const year = yearOf(financialYear);
  const periodEnd = asOf < year.end ? asOf : year.end;
  const byDate = [...termsHistory].sort((a, b) => a.effectiveOn.localeCompare(b.effectiveOn));
  const terms = byDate.filter((t) => t.effectiveOn <= periodEnd).at(-1) ?? byDate[0];
  if (!terms) throw new Error(`Board ${board.boardId} has no terms of reference.`);
  const inYear = (date: string | null): boolean => date !== null && date >= year.start && date <= year.end;

  const meetings = new Map<string, MeetingView>();
  for (const fact of facts) {
    if (fact.what !== 'scheduled' && fact.occurredOn > asOf) continue;
    let meeting = meetings.get(fact.meetingId);
    if (fact.what === 'scheduled' || !meeting) {
      meeting = {
        meetingId: fact.meetingId,
        dates: new Set(),
        status: 'scheduled',
        scheduledFor: fact.scheduledFor,
        heldOn: null,
        quorate: null,
        cancellations: [],
      };
      meetings.set(fact.meetingId, meeting);
    }
    switch (fact.what) {
      case 'scheduled':
      case 'rearranged': {
        const open = meeting.cancellations.at(-1);
        if (fact.what === 'rearranged' && meeting.status === 'cancelled' && open && open.rearrangedOn === null) {
          open.rearrangedOn = fact.occurredOn;
          open.rearrangedTo = fact.scheduledFor;
        }
        meeting.status = 'scheduled';
        meeting.scheduledFor = fact.scheduledFor;
        meeting.dates.add(fact.scheduledFor);
        break;
      }
      case 'held':
        meeting.status = 'held';
        meeting.heldOn = fact.occurredOn;
        meeting.quorate = fact.quorate;
        break;
      case 'cancelled':
        meeting.status = 'cancelled';
        meeting.cancellations.push({
          meetingId: fact.meetingId,
          meetingDate: fact.scheduledFor,
          cancelledOn: fact.occurredOn,
          reason: fact.reason,
          rearrangedOn: null,
          rearrangedTo: null,
          notRearranged: false,
          rearrangeBy: addDays(fact.occurredOn, termsOn(byDate, fact.occurredOn).rearrangeWithinDays),
          state: 'awaiting-rearrangement',
        });
        break;
    }
  }

  const breaches = breachesInYear(board, termsHistory, facts, { financialYear, asOf });
  const late = new Set(
    breaches.flatMap((b) =>
      b.rule === 'meeting-cancelled-not-rearranged' ? [`${b.subject.meetingId} ${b.cancelledOn}`] : [],
    ),
  );

  const all = [...meetings.values()];
  const cancellations = all
    .flatMap((m) => m.cancellations)
    .filter((c) => inYear(c.meetingDate))
    .map((c): Cancellation => {
      const notRearranged = late.has(`${c.meetingId} ${c.cancelledOn}`);
      const state = notRearranged
        ? 'not-rearranged'
        : c.rearrangedOn !== null
          ? 'rearranged'
          : asOf <= c.rearrangeBy
            ? 'awaiting-rearrangement'
            : // Past its deadline with no breach: the rule book did not count it (a meeting dated before the board's
              // establishment in an old log, for instance); say what happened rather than invent a breach.
              'not-rearranged';
      return { ...c, notRearranged, state };
    })
    .sort((a, b) => a.meetingDate.localeCompare(b.meetingDate) || a.meetingId.localeCompare(b.meetingId));
  const held = all.filter((m) => m.status === 'held' && inYear(m.heldOn) && (m.heldOn as string) <= periodEnd);
  const longestGap = gapOf(board, all, year.start, periodEnd);
  const reasons = reasonsFor(breaches, periodEnd);

  return {
    boardId: board.boardId,
    name: board.name,
    financialYear,
    asOf,
    periodStart: year.start,
    periodEnd,
    terms: {
      chair: terms.chair,
      maxDaysBetweenMeetings: terms.maxDaysBetweenMeetings,
      quorum: terms.quorum,
      rearrangeWithinDays: terms.rearrangeWithinDays,
    },
    counts: {
      scheduled: all.filter((m) => [...m.dates].some(inYear) || m.cancellations.some((c) => inYear(c.meetingDate)))
        .length,
      held: held.length,
      quorate: held.filter((m) => m.quorate === true).length,
      cancelled: cancellations.length,
      cancelledNotRearranged: cancellations.filter((c) => c.notRearranged).length,
    },
    longestGap,
    cancellations,
    status: breaches.some((b) => b.severity === 'red') ? 'red' : breaches.length > 0 ? 'amber' : 'green',
    reasons,
  };
}

/** The terms in force on `date` (the earliest when none had started yet). */
function termsOn(byDate: readonly BoardTermsRecord[], date: string): BoardTermsRecord {
  const terms = byDate.filter((t) => t.effectiveOn <= date).at(-1) ?? byDate[0];
  if (!terms) throw new Error('A board has no terms of reference.');
  return terms;
}

function yearOf(financialYear: string): FinancialYearSpan {
  const year = parseFinancialYear(financialYear);
  if (!year) {
    throw new ValidationError(
      'invalid-financial-year',
      `"${financialYear}" is not a financial year: write it as 2015-16.`,
      'financialYear',
    );
  }
  return year;
}

/**
 * The breaches a year's report lists: known by `asOf`, begun by the end of the period, and not put right
 * before the year began (one put right on its first day still counts: it held until then).
 */
export function breachesInYear(
  board: BoardRecord,
  termsHistory: readonly BoardTermsRecord[],
  facts: readonly MeetingFact[],
  { financialYear, asOf }: { financialYear: string; asOf: string },
): Breach[] {
  const year = yearOf(financialYear);
  const periodEnd = asOf < year.end ? asOf : year.end;
  return boardBreaches(
    { boardId: board.boardId, name: board.name, establishedOn: board.establishedOn, terms: termsHistory, facts },
    asOf,
  ).filter((breach) => breach.began <= periodEnd && (breach.ended === null || breach.ended >= year.start));
}

/** The report's sentences: red before amber, each rule's in date order, one per gap between meetings. */
function reasonsFor(breaches: readonly Breach[], periodEnd: string): string[] {
  const byMeetingDate = (a: { date: string; id: string }, b: { date: string; id: string }) =>
    a.date.localeCompare(b.date) || a.id.localeCompare(b.id);
  const late = breaches
    .flatMap((b) =>
      b.rule === 'meeting-cancelled-not-rearranged'
        ? [{ ...b, date: b.meetingDate, id: b.subject.meetingId ?? '' }]
        : [],
    )
    .sort(byMeetingDate)
    .map(
      (b) =>
        `The meeting due on ${longDate(b.meetingDate)} (${b.subject.meetingId}) was cancelled on ${longDate(b.cancelledOn)} ` +
        `and not rearranged within ${b.rearrangeWithinDays} days.`,
    );
  // A gap judged by changing terms can be broken more than once; it is one sentence, with the terms of its last breach.
  const gaps = new Map<string, Extract<Breach, { rule: 'meeting-overdue' }>>();
  for (const b of breaches) if (b.rule === 'meeting-overdue') gaps.set(b.since, b);
  const overdue = [...gaps.values()].map((b) => {
    const to = b.nextHeldOn !== null && b.nextHeldOn < periodEnd ? b.nextHeldOn : periodEnd;
    return (
      `No meeting was held for ${daysBetween(b.since, to)} days, from ${longDate(b.since)} to ${longDate(to)}: ` +
      `the terms of reference allow at most ${b.maxDaysBetweenMeetings}.`
    );
  });
  const inquorate = breaches.flatMap((b) =>
    b.rule === 'inquorate-meeting'
      ? [`The meeting held on ${longDate(b.heldOn)} (${b.subject.meetingId}) was not quorate (quorum ${b.quorum}).`]
      : [],
  );
  const missing = breaches
    .flatMap((b) =>
      b.rule === 'meeting-outcome-missing' ? [{ ...b, date: b.scheduledFor, id: b.subject.meetingId ?? '' }] : [],
    )
    .sort(byMeetingDate)
    .map((b) =>
      b.ended === null || b.ended > periodEnd
        ? `The meeting due on ${longDate(b.scheduledFor)} (${b.id}) is more than ${OUTCOME_GRACE_DAYS} days past ` +
          'with neither held nor cancelled recorded.'
        : `The meeting due on ${longDate(b.scheduledFor)} (${b.id}) went more than ${OUTCOME_GRACE_DAYS} days past ` +
          `with neither held nor cancelled recorded, until ${longDate(b.ended)}.`,
    );
  return [...late, ...overdue, ...inquorate, ...missing];
}

function gapOf(
  board: BoardRecord,
  meetings: readonly MeetingView[],
  yearStart: string,
  periodEnd: string,
): BoardCompliance['longestGap'] {
  if (board.establishedOn > periodEnd || yearStart > periodEnd) return null;
  const heldDates = meetings
    .filter((m) => m.status === 'held' && m.heldOn !== null && m.heldOn <= periodEnd)
    .map((m) => m.heldOn as string)
    .sort();
  const before = heldDates.filter((d) => d < yearStart).at(-1);
  const anchor = before ?? (board.establishedOn > yearStart ? board.establishedOn : yearStart);
  const points = [anchor, ...heldDates.filter((d) => d >= yearStart), periodEnd];
  let longest: NonNullable<BoardCompliance['longestGap']> = { days: 0, from: anchor, to: anchor };
  points.slice(1).forEach((to, i) => {
    // i counts from the second point: points[i] is the one before `to`.
    const from = points[i]!;
    const days = daysBetween(from, to);
    if (days > longest.days) longest = { days, from, to };
  });
  return longest;
}
