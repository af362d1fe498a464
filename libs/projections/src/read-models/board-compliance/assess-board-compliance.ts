import { addDays, daysBetween, parseFinancialYear, ValidationError } from '#domain';
import { longDate } from '../shared.js';

export interface BoardTermsRecord {
  effectiveOn: string;
  chair: string;
  maxDaysBetweenMeetings: number;
  quorum: number;
  rearrangeWithinDays: number;
}

export interface BoardRecord {
  boardId: string;
  name: string;
  agreementIds: string[];
  establishedOn: string;
}

/** One fact about a meeting, in the order it was recorded. `scheduledFor` is the meeting's date after it. */
export interface MeetingFact {
  meetingId: string;
  what: 'scheduled' | 'held' | 'cancelled' | 'rearranged';
  occurredOn: string;
  scheduledFor: string;
  quorate: boolean | null;
  reason: string | null;
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
  /** No rearrangement within `rearrangeWithinDays` of the cancellation, and that time has passed. */
  notRearranged: boolean;
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

/** A scheduled meeting whose date passed this many days ago without "held" or "cancelled" is amber. */
export const OUTCOME_GRACE_DAYS = 7;

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
 * have happened by `asOf` (docs/domain.md, "The yearly compliance report"):
 * red when a cancelled meeting was not rearranged within `rearrangeWithinDays` of its cancellation,
 * or when more than `maxDaysBetweenMeetings` passed without a meeting held; amber when a meeting
 * was inquorate, or a meeting's date passed more than 7 days ago with no outcome recorded.
 *
 * Meetings count in the year their date falls in. Scheduling is recorded at the server's time, so
 * it is not filtered by `asOf` (an imported history is scheduled "today"); outcomes are. The gap
 * runs from the last meeting held before the year (or the board's establishment, or the year's
 * start) through each meeting held in the year to the end of the period. The terms are those in
 * force at the end of the period.
 */
export function assessBoardCompliance(
  board: BoardRecord,
  termsHistory: readonly BoardTermsRecord[],
  facts: readonly MeetingFact[],
  { financialYear, asOf }: { financialYear: string; asOf: string },
): BoardCompliance {
  const year = parseFinancialYear(financialYear);
  if (!year) {
    throw new ValidationError('invalid-financial-year', `"${financialYear}" is not a financial year: write it as 2015-16.`, 'financialYear');
  }
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
      meeting = { meetingId: fact.meetingId, dates: new Set(), status: 'scheduled', scheduledFor: fact.scheduledFor, heldOn: null, quorate: null, cancellations: [] };
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
        });
        break;
    }
  }

  const all = [...meetings.values()];
  const cancellations = all
    .flatMap((m) => m.cancellations)
    .filter((c) => inYear(c.meetingDate))
    .map((c) => {
      const deadline = addDays(c.cancelledOn, terms.rearrangeWithinDays);
      const rearrangedInTime = c.rearrangedOn !== null && c.rearrangedOn <= deadline;
      return { ...c, notRearranged: !rearrangedInTime && deadline < asOf };
    })
    .sort((a, b) => a.meetingDate.localeCompare(b.meetingDate) || a.meetingId.localeCompare(b.meetingId));
  const held = all.filter((m) => m.status === 'held' && inYear(m.heldOn) && (m.heldOn as string) <= periodEnd);
  const inquorate = held.filter((m) => m.quorate === false).sort((a, b) => (a.heldOn as string).localeCompare(b.heldOn as string));
  const outcomeMissing = all
    .filter((m) => m.status === 'scheduled' && inYear(m.scheduledFor) && daysBetween(m.scheduledFor, asOf) > OUTCOME_GRACE_DAYS)
    .sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));

  const longestGap = gapOf(board, all, year.start, periodEnd);

  const reasons: { red: string[]; amber: string[] } = { red: [], amber: [] };
  for (const c of cancellations.filter((c) => c.notRearranged)) {
    reasons.red.push(
      `The meeting due on ${longDate(c.meetingDate)} (${c.meetingId}) was cancelled on ${longDate(c.cancelledOn)} ` +
        `and not rearranged within ${terms.rearrangeWithinDays} days.`,
    );
  }
  if (longestGap && longestGap.days > terms.maxDaysBetweenMeetings) {
    reasons.red.push(
      `No meeting was held for ${longestGap.days} days, from ${longDate(longestGap.from)} to ${longDate(longestGap.to)}: ` +
        `the terms of reference allow at most ${terms.maxDaysBetweenMeetings}.`,
    );
  }
  for (const m of inquorate) {
    reasons.amber.push(`The meeting held on ${longDate(m.heldOn as string)} (${m.meetingId}) was not quorate (quorum ${terms.quorum}).`);
  }
  for (const m of outcomeMissing) {
    reasons.amber.push(
      `The meeting due on ${longDate(m.scheduledFor)} (${m.meetingId}) is more than ${OUTCOME_GRACE_DAYS} days past ` +
        'with neither held nor cancelled recorded.',
    );
  }

  return {
    boardId: board.boardId,
    name: board.name,
    financialYear,
    asOf,
    periodStart: year.start,
    periodEnd,
    terms: { chair: terms.chair, maxDaysBetweenMeetings: terms.maxDaysBetweenMeetings, quorum: terms.quorum, rearrangeWithinDays: terms.rearrangeWithinDays },
    counts: {
      scheduled: all.filter((m) => [...m.dates].some(inYear) || m.cancellations.some((c) => inYear(c.meetingDate))).length,
      held: held.length,
      quorate: held.filter((m) => m.quorate === true).length,
      cancelled: cancellations.length,
      cancelledNotRearranged: cancellations.filter((c) => c.notRearranged).length,
    },
    longestGap,
    cancellations,
    status: reasons.red.length > 0 ? 'red' : reasons.amber.length > 0 ? 'amber' : 'green',
    reasons: [...reasons.red, ...reasons.amber],
  };
}

function gapOf(board: BoardRecord, meetings: readonly MeetingView[], yearStart: string, periodEnd: string): BoardCompliance['longestGap'] {
  if (board.establishedOn > periodEnd || yearStart > periodEnd) return null;
  const heldDates = meetings
    .filter((m) => m.status === 'held' && m.heldOn !== null && m.heldOn <= periodEnd)
    .map((m) => m.heldOn as string)
    .sort();
  const before = heldDates.filter((d) => d < yearStart).at(-1);
  const anchor = before ?? (board.establishedOn > yearStart ? board.establishedOn : yearStart);
  const points = [anchor, ...heldDates.filter((d) => d >= yearStart), periodEnd];
  let longest: NonNullable<BoardCompliance['longestGap']> = { days: 0, from: anchor, to: anchor };
  for (let i = 1; i < points.length; i++) {
    const days = daysBetween(points[i - 1], points[i]);
    if (days > longest.days) longest = { days, from: points[i - 1], to: points[i] };
  }
  return longest;
}
