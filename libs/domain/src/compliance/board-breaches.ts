import type { BoardTermsRecord } from '../board/board.state.js';
import { addDays } from '../kernel/dates.js';
import type { BoardHistory } from './board-history.js';

/** A meeting's outcome may be logged late; after this many days its absence is itself a gap in the record. */
export const OUTCOME_GRACE_DAYS = 7;

export type BoardComplianceRule =
  'meeting-cancelled-not-rearranged' | 'meeting-overdue' | 'meeting-outcome-missing' | 'inquorate-meeting';

interface BreachBase {
  subject: { boardId: string; meetingId?: string };
  /** The first day the rule was broken. */
  began: string;
  /**
   * The day it was put right (a rearrangement, a meeting held, an outcome recorded, terms relaxed), or null
   * while it is still open. It may equal `began`: put right on the first day it held.
   */
  ended: string | null;
  /** One sentence a governance officer understands. */
  reason: string;
}

export interface CancelledNotRearrangedBreach extends BreachBase {
  rule: 'meeting-cancelled-not-rearranged';
  severity: 'red';
  meetingDate: string;
  cancelledOn: string;
  rearrangeWithinDays: number;
}

export interface MeetingOverdueBreach extends BreachBase {
  rule: 'meeting-overdue';
  severity: 'red';
  /** The last meeting held before the gap, or the board's establishment when it had never met. */
  since: string;
  sinceEstablishment: boolean;
  /** The meeting that closed the gap, or null while it is open. */
  nextHeldOn: string | null;
  maxDaysBetweenMeetings: number;
}

export interface OutcomeMissingBreach extends BreachBase {
  rule: 'meeting-outcome-missing';
  severity: 'amber';
  scheduledFor: string;
}

export interface InquorateMeetingBreach extends BreachBase {
  rule: 'inquorate-meeting';
  severity: 'amber';
  heldOn: string;
  quorum: number;
}

export type Breach =
  CancelledNotRearrangedBreach | MeetingOverdueBreach | OutcomeMissingBreach | InquorateMeetingBreach;

/** A breach is open on a day when it has begun and not yet been put right by then. */
export const isOpenOn = (breach: Breach, day: string): boolean =>
  breach.began <= day && (breach.ended === null || breach.ended > day);

interface DiaryEntry {
  scheduledFor: string;
  /** The day it stopped being the meeting's date (held, cancelled or rearranged), or null. */
  until: string | null;
}

interface Cancellation {
  meetingDate: string;
  cancelledOn: string;
  rearrangedOn: string | null;
}

interface MeetingTimeline {
  meetingId: string;
  diary: DiaryEntry[];
  cancellations: Cancellation[];
  held: { on: string; quorate: boolean | null } | null;
}

/**
 * Each meeting's history as known on `asOf`. Scheduling is recorded at the server's time, so it is not
 * filtered by `asOf` (an imported history is scheduled "today"); the other facts carry their real date and are.
 */
function timelinesOf(history: BoardHistory, asOf: string): Map<string, MeetingTimeline> {
  const meetings = new Map<string, MeetingTimeline>();
  for (const fact of history.facts) {
    if (fact.what !== 'scheduled' && fact.occurredOn > asOf) continue;
    let meeting = meetings.get(fact.meetingId);
    if (fact.what === 'scheduled' || !meeting) {
      meeting = { meetingId: fact.meetingId, diary: [], cancellations: [], held: null };
      meetings.set(fact.meetingId, meeting);
    }
    const open = meeting.diary.at(-1);
    if (fact.what !== 'scheduled' && open && open.until === null) open.until = fact.occurredOn;
    switch (fact.what) {
      case 'scheduled':
      case 'rearranged': {
        const cancellation = meeting.cancellations.at(-1);
        if (fact.what === 'rearranged' && cancellation && cancellation.rearrangedOn === null) {
          cancellation.rearrangedOn = fact.occurredOn;
        }
        meeting.diary.push({ scheduledFor: fact.scheduledFor, until: null });
        break;
      }
      case 'held':
        meeting.held = { on: fact.occurredOn, quorate: fact.quorate };
        break;
      case 'cancelled':
        meeting.cancellations.push({
          meetingDate: fact.scheduledFor,
          cancelledOn: fact.occurredOn,
          rearrangedOn: null,
        });
        break;
    }
  }
  return meetings;
}

const byEffectiveOn = (terms: readonly BoardTermsRecord[]): BoardTermsRecord[] =>
  [...terms].sort((a, b) => a.effectiveOn.localeCompare(b.effectiveOn));

/**
 * The terms a day is judged by: the last version recorded before it (the first, before any was). A change
 * applies from the day after it is recorded, so a day judged (and alerted on) that morning stays judged.
 */
function termsOn(sorted: readonly BoardTermsRecord[], day: string): BoardTermsRecord {
  const terms = sorted.filter((t) => t.effectiveOn < day).at(-1) ?? sorted[0];
  if (!terms) throw new Error('A board has no terms of reference.');
  return terms;
}

/**
 * Red: a cancelled meeting not put back in the diary within `rearrangeWithinDays` (the terms the day of
 * cancelling is judged by) of its cancellation. The last day of that period is still in time; the breach
 * begins the day after, and ends when the meeting is rearranged.
 */
export function cancelledNotRearranged(history: BoardHistory, asOf: string): CancelledNotRearrangedBreach[] {
  const terms = byEffectiveOn(history.terms);
  return [...timelinesOf(history, asOf).values()].flatMap((meeting) =>
    meeting.cancellations.flatMap((c): CancelledNotRearrangedBreach[] => {
      const within = termsOn(terms, c.cancelledOn).rearrangeWithinDays;
      const deadline = addDays(c.cancelledOn, within);
      const began = addDays(deadline, 1);
      if (began > asOf || (c.rearrangedOn !== null && c.rearrangedOn <= deadline)) return [];
      return [
        {
          rule: 'meeting-cancelled-not-rearranged',
          severity: 'red',
          subject: { boardId: history.boardId, meetingId: meeting.meetingId },
          began,
          ended: c.rearrangedOn,
          reason:
            `The ${history.name} meeting "${meeting.meetingId}" set for ${c.meetingDate} was cancelled on ${c.cancelledOn} ` +
            `and not rearranged within ${within} days (by ${deadline}).`,
          meetingDate: c.meetingDate,
          cancelledOn: c.cancelledOn,
          rearrangeWithinDays: within,
        },
      ];
    }),
  );
}

/**
 * Red: more than `maxDaysBetweenMeetings` days without a meeting held, counted from the last meeting held
 * or, before the first, from the board's establishment. Each day is judged by its terms (`termsOn`), so a
 * change of terms can begin or end a breach. An inquorate meeting was still held.
 */
export function meetingOverdue(history: BoardHistory, asOf: string): MeetingOverdueBreach[] {
  const terms = byEffectiveOn(history.terms);
  if (history.establishedOn > asOf) return [];
  const heldDates = [...timelinesOf(history, asOf).values()].flatMap((meeting) =>
    meeting.held ? [meeting.held.on] : [],
  );
  const points = [history.establishedOn, ...new Set(heldDates.filter((on) => on > history.establishedOn).sort())];
  const breaches: MeetingOverdueBreach[] = [];
  points.forEach((since, i) => {
    const nextHeldOn = points[i + 1] ?? null;
    // The day of the next meeting still counts: until it is recorded that day, the board has not met.
    const last = nextHeldOn ?? asOf;
    const spans: { from: string; to: string; max: number }[] = [];
    terms.forEach((version, j) => {
      const start = j === 0 ? '' : addDays(version.effectiveOn, 1);
      const end = terms[j + 1]?.effectiveOn ?? '\uffff';
      const firstLate = addDays(since, version.maxDaysBetweenMeetings + 1);
      const from = firstLate > start ? firstLate : start;
      const to = end < last ? end : last;
      if (from > to) return;
      const previous = spans.at(-1);
      if (previous && addDays(previous.to, 1) === from)
        Object.assign(previous, { to, max: version.maxDaysBetweenMeetings });
      else spans.push({ from, to, max: version.maxDaysBetweenMeetings });
    });
    const sinceEstablishment = i === 0 && !heldDates.includes(since);
    const sinceText = sinceEstablishment
      ? `it was established on ${since}, and it has never met`
      : `its last meeting on ${since}`;
    for (const span of spans) {
      breaches.push({
        rule: 'meeting-overdue',
        severity: 'red',
        subject: { boardId: history.boardId },
        began: span.from,
        ended: span.to === last ? nextHeldOn : addDays(span.to, 1),
        reason:
          `The ${history.name} has held no meeting since ${sinceText}: ` +
          `its terms of reference allow at most ${span.max} days between meetings.`,
        since,
        sinceEstablishment,
        nextHeldOn,
        maxDaysBetweenMeetings: span.max,
      });
    }
  });
  return breaches;
}

/**
 * Amber: a meeting's date passed more than `OUTCOME_GRACE_DAYS` days ago and it is recorded neither as held
 * nor as cancelled (the 7th day after is within grace, the 8th is not). Ends when an outcome is recorded or
 * the meeting is moved to another date.
 */
export function meetingOutcomeMissing(history: BoardHistory, asOf: string): OutcomeMissingBreach[] {
  return [...timelinesOf(history, asOf).values()].flatMap((meeting) =>
    meeting.diary.flatMap((entry): OutcomeMissingBreach[] => {
      const began = addDays(entry.scheduledFor, OUTCOME_GRACE_DAYS + 1);
      if (began > asOf || (entry.until !== null && entry.until < began)) return [];
      return [
        {
          rule: 'meeting-outcome-missing',
          severity: 'amber',
          subject: { boardId: history.boardId, meetingId: meeting.meetingId },
          began,
          ended: entry.until,
          reason:
            `The ${history.name} meeting "${meeting.meetingId}" was set for ${entry.scheduledFor}, and more than ` +
            `${OUTCOME_GRACE_DAYS} days later it is recorded neither as held nor as cancelled.`,
          scheduledFor: entry.scheduledFor,
        },
      ];
    }),
  );
}

/**
 * Amber: a meeting held without its quorum (judged when it was recorded, against the quorum then in force).
 * It begins on the day of the meeting and ends when the board next holds a quorate meeting on a later day.
 */
export function inquorateMeeting(history: BoardHistory, asOf: string): InquorateMeetingBreach[] {
  const terms = byEffectiveOn(history.terms);
  const held = [...timelinesOf(history, asOf).values()]
    .flatMap((meeting) => (meeting.held ? [{ meetingId: meeting.meetingId, ...meeting.held }] : []))
    .sort((a, b) => a.on.localeCompare(b.on));
  return held
    .filter((meeting) => meeting.quorate === false)
    .map((meeting) => ({
      rule: 'inquorate-meeting',
      severity: 'amber',
      subject: { boardId: history.boardId, meetingId: meeting.meetingId },
      began: meeting.on,
      ended: held.find((later) => later.quorate === true && later.on > meeting.on)?.on ?? null,
      reason:
        `The ${history.name} meeting "${meeting.meetingId}" held on ${meeting.on} was not quorate: ` +
        'fewer bodies attended than its terms of reference require.',
      heldOn: meeting.on,
      quorum: termsOn(terms, meeting.on).quorum,
    }));
}

export const BOARD_COMPLIANCE_RULES = {
  'meeting-cancelled-not-rearranged': cancelledNotRearranged,
  'meeting-overdue': meetingOverdue,
  'meeting-outcome-missing': meetingOutcomeMissing,
  'inquorate-meeting': inquorateMeeting,
} as const satisfies Record<BoardComplianceRule, (history: BoardHistory, asOf: string) => Breach[]>;

/** Every breach of every board rule, as known on `asOf` (facts after it left out), in the order they began. */
export const boardBreaches = (history: BoardHistory, asOf: string): Breach[] =>
  Object.values(BOARD_COMPLIANCE_RULES)
    .flatMap((rule: (history: BoardHistory, asOf: string) => Breach[]) => rule(history, asOf))
    .sort((a, b) => a.began.localeCompare(b.began) || a.rule.localeCompare(b.rule));
