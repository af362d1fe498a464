import { describeDatedFact, isRecordedDatePrecision, toCalendarDate } from '../kernel/dates.js';
import type { DatedFact, RecordedDatePrecision } from '../kernel/dates.js';
import { ValidationError } from '../kernel/errors.js';

/*
 * How exactly the dates of an agreement's life are known (issue 15, "Guessed dates shown as facts";
 * docs/domain.md, "Dates and their precision"). A source may give a day, only a month or a year (the date
 * recorded is then the first day of it), or only "on or before" a day (a register page dated that day lists
 * the agreement in operation: it held by then, when it began is not known).
 */

/** The dated facts whose precision can be stated after they were recorded (DatePrecisionRecorded). */
export const PRECISE_FACTS = ['drafted', 'signed', 'approved', 'in-force'] as const;
export type PreciseFact = (typeof PRECISE_FACTS)[number];

/** One recorded fact: `party` names the party for `signed` and `approved`, null otherwise. */
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
