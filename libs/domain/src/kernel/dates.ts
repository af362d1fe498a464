/**
 * Dates the domain works with, as strings so events stay plain JSON:
 * - a calendar date is `YYYY-MM-DD` (a meeting's date, a review due date);
 * - a date-time is ISO 8601 with a zone (`2015-06-01T00:00:00.000Z`), the valid time of a fact.
 * Arithmetic is done in UTC so that a date never shifts by a day with British Summer Time.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const FINANCIAL_YEAR = /^(\d{4})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** True for a real `YYYY-MM-DD` date: `2016-02-29` is one, `2015-02-29` and `2015-02-30` are not. (Not a type guard: false does not mean "not a string".) */
export const isCalendarDate = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
};

/** True for an ISO 8601 date-time with a real date, a real time and an explicit zone (`Z` or `±hh:mm`). */
export const isIsoDateTime = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const match = DATE_TIME.exec(value);
  if (!match || !isCalendarDate(match[1])) return false;
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (match[6] !== undefined && (Number(match[6]) > 23 || Number(match[7]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
};

/** The canonical UTC form of a date-time: `2015-06-01T01:00+01:00` → `2015-06-01T00:00:00.000Z`. */
export const normaliseDateTime = (dateTime: string): string => new Date(dateTime).toISOString();

const toUtcMillis = (date: string): number => {
  // A missing part is NaN, as a malformed one is: the result is NaN (an invalid date).
  const [year = NaN, month = NaN, day = NaN] = date.split('-').map(Number);
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return at.getTime();
};

const fromUtcMillis = (millis: number): string => {
  const at = new Date(millis);
  const year = String(at.getUTCFullYear()).padStart(4, '0');
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  const day = String(at.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
};

/** The UTC calendar date of a date-time; a calendar date is returned as it is. */
export const toCalendarDate = (dateOrDateTime: string): string =>
  isCalendarDate(dateOrDateTime) ? dateOrDateTime : fromUtcMillis(Date.parse(dateOrDateTime));

/** The calendar date `days` after `date` (before it when negative). */
export const addDays = (date: string, days: number): string =>
  fromUtcMillis(toUtcMillis(toCalendarDate(date)) + days * MS_PER_DAY);

/** Whole days from `from` to `to`: positive when `to` is later, `daysBetween('2015-03-31', '2015-04-01') === 1`. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((toUtcMillis(toCalendarDate(to)) - toUtcMillis(toCalendarDate(from))) / MS_PER_DAY);

/** True when instant `a` is strictly later than instant `b` (date-times in any zone). */
export const isLaterThan = (a: string, b: string): boolean => Date.parse(a) > Date.parse(b);

export interface FinancialYearSpan {
  /** 1 April. */
  start: string;
  /** 31 March of the following year. */
  end: string;
}

/** The UK public-sector financial year (1 April – 31 March) a date falls in, e.g. `2015-16`. */
export const financialYearOf = (dateOrDateTime: string): string => {
  const date = toCalendarDate(dateOrDateTime);
  // A missing part is NaN, as a malformed one is.
  const [year = NaN, month = NaN] = date.split('-').map(Number);
  const startYear = month >= 4 ? year : year - 1;
  return `${String(startYear).padStart(4, '0')}-${String((startYear + 1) % 100).padStart(2, '0')}`;
};

/** `2015-16` → 1 April 2015 to 31 March 2016; null when malformed (`2015-17`, `2015/16`, `15-16`). */
export const parseFinancialYear = (financialYear: unknown): FinancialYearSpan | null => {
  if (typeof financialYear !== 'string') return null;
  const match = FINANCIAL_YEAR.exec(financialYear);
  if (!match) return null;
  const startYear = Number(match[1]);
  if (Number(match[2]) !== (startYear + 1) % 100) return null;
  return {
    start: `${match[1]}-04-01`,
    end: `${String(startYear + 1).padStart(4, '0')}-03-31`,
  };
};

/**
 * How exactly a source gives a date (docs/domain.md, "Dates and their precision"): the day itself, only its
 * month or only its year (the date is then the first day of that month or year), or only "on or before" it
 * (a register page dated that day lists the fact, so it held by then; when it began is not known).
 */
export type DatePrecision = 'day' | 'month' | 'year';
export type RecordedDatePrecision = DatePrecision | 'on-or-before';

export const RECORDED_DATE_PRECISIONS: readonly RecordedDatePrecision[] = ['day', 'month', 'year', 'on-or-before'];

export const isRecordedDatePrecision = (value: unknown): value is RecordedDatePrecision =>
  typeof value === 'string' && (RECORDED_DATE_PRECISIONS as readonly string[]).includes(value);

/** A calendar date (YYYY-MM-DD) with how exactly it is known. */
export interface DatedFact {
  date: string;
  precision: RecordedDatePrecision;
}

/**
 * The days the fact may have happened on, inclusive: a day is itself; a month or a year runs from `date`
 * to the end of that month or year; "on or before" has no earliest day (null).
 */
export function dateWindow({ date, precision }: DatedFact): { earliest: string | null; latest: string } {
  const day = toCalendarDate(date);
  const [year = NaN, month = NaN] = day.split('-').map(Number);
  switch (precision) {
    case 'day':
      return { earliest: day, latest: day };
    case 'month':
      return { earliest: day, latest: `${day.slice(0, 7)}-${String(daysInMonth(year, month)).padStart(2, '0')}` };
    case 'year':
      return { earliest: day, latest: `${day.slice(0, 4)}-12-31` };
    case 'on-or-before':
      return { earliest: null, latest: day };
  }
}

/**
 * Had the fact happened by the end of `asOf` (YYYY-MM-DD)? True on or after its latest possible day, false
 * before its earliest, null ("not known") inside the window, where the record cannot tell.
 */
export function hadHappenedBy(fact: DatedFact, asOf: string): boolean | null {
  const { earliest, latest } = dateWindow(fact);
  const day = toCalendarDate(asOf);
  if (day >= latest) return true;
  if (earliest !== null && day < earliest) return false;
  return null;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2015-10-14` → `14 October 2015`, for sentences people read (a month out of range reads as `undefined`). */
export const longDate = (date: string): string => {
  const [year, month = NaN, day] = toCalendarDate(date).split('-').map(Number);
  return `${day} ${MONTHS[month - 1] ?? 'undefined'} ${year}`;
};

/**
 * The date as a reader should see it, after `verb` ("in force", "joined"): `on 24 August 2017`,
 * `in January 2023`, `in 2013`, `by 24 August 2017`, e.g. "in force by 24 August 2017".
 */
export function describeDatedFact(verb: string, { date, precision }: DatedFact): string {
  const day = toCalendarDate(date);
  const [year = NaN, month = NaN] = day.split('-').map(Number);
  const full = longDate(day);
  switch (precision) {
    case 'day':
      return `${verb} on ${full}`;
    case 'month':
      return `${verb} in ${MONTHS[month - 1]} ${year}`;
    case 'year':
      return `${verb} in ${year}`;
    case 'on-or-before':
      return `${verb} by ${full}`;
  }
}
