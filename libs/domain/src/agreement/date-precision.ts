import {
  dateWindow,
  describeDatedFact,
  hadHappenedBy,
  isRecordedDatePrecision,
  toCalendarDate,
} from '../kernel/dates.js';
import type { DatedFact, RecordedDatePrecision } from '../kernel/dates.js';
import { ValidationError } from '../kernel/errors.js';

/*
 * How exactly the dates of an agreement's life are known (issue 15, "Guessed dates shown as facts";
 * docs/domain.md, "Dates and their precision"). A source may give a day, only a month or a year (the date
 * recorded is then the first day of it), or only "on or before" a day (a register page dated that day lists
 * the agreement in operation: it held by then, when it began is not known).
 */

/**
 * The dated facts whose precision can be stated after they were recorded (DatePrecisionRecorded): `joined` is a
 * current party's joining of the agreement in force, `left` a party's latest withdrawal.
 */
export const PRECISE_FACTS = ['drafted', 'signed', 'approved', 'in-force', 'joined', 'left'] as const;
export type PreciseFact = (typeof PRECISE_FACTS)[number];

/** The facts that are a party's own, so name it. */
export const PARTY_FACTS: readonly PreciseFact[] = ['signed', 'approved', 'joined', 'left'];

/** One recorded fact: `party` names the party for `signed`, `approved`, `joined` and `left`, null otherwise. */
export interface DatedFactRef {
  fact: PreciseFact;
  party: string | null;
}

/**
 * The precision a command gives beside `occurredAt`: 'day' when it gives none. A month must be recorded as its
 * first day and a year as 1 January, so the date and its precision name one window (dates.ts, `dateWindow`).
 */
export function requireDatePrecision(value: unknown, date: string, field = 'datePrecision'): RecordedDatePrecision {
  if (value === undefined || value === null) return 'day';
  if (!isRecordedDatePrecision(value)) {
    throw new ValidationError(
      'invalid-date-precision',
      `${JSON.stringify(value)} is not a date precision: give day, month, year or on-or-before.`,
      field,
    );
  }
  requirePrecisionFits(value, toCalendarDate(date), field);
  return value;
}

/** A month is written as its first day, a year as its 1 January: anything else names no one window. */
export function requirePrecisionFits(precision: RecordedDatePrecision, day: string, field: string): void {
  if (precision === 'month' && !day.endsWith('-01')) {
    throw new ValidationError(
      'date-precision-mismatch',
      `A date known only to its month is recorded as the first day of the month, and ${day} is not one: ` +
        `record ${day.slice(0, 7)}-01 with precision month.`,
      field,
    );
  }
  if (precision === 'year' && !day.endsWith('-01-01')) {
    throw new ValidationError(
      'date-precision-mismatch',
      `A date known only to its year is recorded as 1 January, and ${day} is not: record ${day.slice(0, 4)}-01-01 ` +
        'with precision year.',
      field,
    );
  }
}

/** An event's `datePrecision`: events written before it existed (version 1) read as 'day'. */
export const precisionOf = (data: { datePrecision?: RecordedDatePrecision | null }): RecordedDatePrecision =>
  data.datePrecision ?? 'day';

/** "in force by 24 August 2017", "in force in July 2013", "in force on 1 April 2015". */
export const inForceSentence = (fact: DatedFact): string => describeDatedFact('in force', fact);

/** A membership of an agreement: its start and, once it ended, its end (the first day not a member), as known. */
export interface MembershipDates {
  from: DatedFact;
  until: DatedFact | null;
}

/** "became a member by 24 August 2017", "left in July 2016". */
export const joinedSentence = (from: DatedFact): string => describeDatedFact('became a member', from);
export const leftSentence = (until: DatedFact): string => describeDatedFact('left', until);

/**
 * Was the body a member on `asOf` (YYYY-MM-DD)? False before it surely joined or once it surely left, true between,
 * null ("not known") inside the window its joining or its leaving may have happened in (`hadHappenedBy`). A
 * membership known to the day is never null.
 */
export function memberOn({ from, until }: MembershipDates, asOf: string): boolean | null {
  const joined = hadHappenedBy(from, asOf);
  const left = until === null ? false : hadHappenedBy(until, asOf);
  if (joined === false || left === true) return false;
  return joined === true && left === false ? true : null;
}

const FIRST_DAY = '0001-01-01';

/**
 * Why the record cannot say whether the body was a member on some day of `period` (both days included), or null
 * when it can say so for every day (`memberOn` is never null in it). `asked` names the period in the sentence
 * ("on 31 March 2016", "during 2016/17"). The days not known are those from the first day the joining may have
 * happened up to the day it surely had, and the same for the leaving.
 */
export function membershipNotKnown(
  membership: MembershipDates,
  period: { from: string; to: string },
  asked: string,
): string | null {
  const start = dateWindow(membership.from);
  const overlaps = (first: string, surely: string) => first < surely && first <= period.to && surely > period.from;
  const reasons: string[] = [];
  if (overlaps(start.earliest ?? FIRST_DAY, start.latest)) reasons.push(joinedSentence(membership.from));
  if (membership.until !== null) {
    const end = dateWindow(membership.until);
    const first = end.earliest ?? start.earliest ?? FIRST_DAY;
    if (overlaps(first, end.latest)) reasons.push(leftSentence(membership.until));
  }
  if (reasons.length === 0) return null;
  return `The record says only that the body ${reasons.join(' and ')}: whether it was a member ${asked} is not known.`;
}

/**
 * Was the body surely a member on at least one day of `period` (both days included)? False when the record cannot
 * say it was on any (its joining known only "on or before" a day after the period, say), though it may have been.
 */
export function surelyMemberDuring({ from, until }: MembershipDates, period: { from: string; to: string }): boolean {
  const surelyJoined = dateWindow(from).latest;
  const day = surelyJoined > period.from ? surelyJoined : period.from;
  if (day > period.to) return false;
  if (until === null) return true;
  const mayHaveLeft = dateWindow(until).earliest;
  return mayHaveLeft !== null && day < mayHaveLeft;
}
