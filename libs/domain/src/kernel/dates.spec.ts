import { describe, expect, test } from '@jest/globals';
import {
  addDays,
  dateWindow,
  describeDatedFact,
  hadHappenedBy,
  isRecordedDatePrecision,
  daysBetween,
  financialYearOf,
  isCalendarDate,
  isIsoDateTime,
  normaliseDateTime,
  parseFinancialYear,
  toCalendarDate,
} from './dates.js';

describe('isCalendarDate', () => {
  test('accepts real dates', () => {
    expect(isCalendarDate('2015-06-01')).toBe(true);
    expect(isCalendarDate('2016-03-31')).toBe(true);
  });

  test('rejects days a month does not have', () => {
    expect(isCalendarDate('2015-02-30')).toBe(false);
    expect(isCalendarDate('2015-04-31')).toBe(false);
    expect(isCalendarDate('2015-13-01')).toBe(false);
    expect(isCalendarDate('2015-00-10')).toBe(false);
    expect(isCalendarDate('2015-01-00')).toBe(false);
  });

  test('knows leap years: every fourth year, not centuries, but every fourth century', () => {
    expect(isCalendarDate('2016-02-29')).toBe(true);
    expect(isCalendarDate('2015-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
  });

  test('rejects other shapes', () => {
    for (const value of ['2015-6-1', '01/06/2015', '2015-06-01T00:00:00Z', '', null, 20150601]) {
      expect(isCalendarDate(value)).toBe(false);
    }
  });
});

describe('isIsoDateTime', () => {
  test('accepts date-times with a zone', () => {
    expect(isIsoDateTime('2015-06-01T00:00:00.000Z')).toBe(true);
    expect(isIsoDateTime('2015-06-01T10:30Z')).toBe(true);
    expect(isIsoDateTime('2015-06-01T10:30:00+01:00')).toBe(true);
  });

  test('rejects date-times without a zone, impossible dates or times, and plain dates', () => {
    for (const value of [
      '2015-06-01T00:00:00',
      '2015-02-30T00:00:00Z',
      '2015-06-01T24:00:00Z',
      '2015-06-01T10:60:00Z',
      '2015-06-01',
      'yesterday',
      undefined,
    ]) {
      expect(isIsoDateTime(value)).toBe(false);
    }
  });

  test('normalises to UTC with milliseconds', () => {
    expect(normaliseDateTime('2015-06-01T01:00+01:00')).toBe('2015-06-01T00:00:00.000Z');
  });
});

describe('toCalendarDate', () => {
  test('takes the UTC date of a date-time', () => {
    expect(toCalendarDate('2015-06-01T23:59:59.999Z')).toBe('2015-06-01');
    expect(toCalendarDate('2015-06-02T00:30:00+01:00')).toBe('2015-06-01');
  });

  test('leaves a calendar date as it is', () => {
    expect(toCalendarDate('2015-06-01')).toBe('2015-06-01');
  });
});

describe('addDays and daysBetween', () => {
  test('cross month, year and leap-day boundaries', () => {
    expect(addDays('2016-02-28', 1)).toBe('2016-02-29');
    expect(addDays('2015-02-28', 1)).toBe('2015-03-01');
    expect(addDays('2015-12-31', 1)).toBe('2016-01-01');
    expect(addDays('2015-04-01', -1)).toBe('2015-03-31');
    expect(addDays('2015-06-01', 92)).toBe('2015-09-01');
  });

  test('are not thrown by British Summer Time', () => {
    expect(addDays('2015-03-28', 1)).toBe('2015-03-29');
    expect(daysBetween('2015-03-28', '2015-03-30')).toBe(2);
  });

  test('count days from the first date to the second', () => {
    expect(daysBetween('2015-03-31', '2015-04-01')).toBe(1);
    expect(daysBetween('2015-04-01', '2015-03-31')).toBe(-1);
    expect(daysBetween('2016-01-01', '2017-01-01')).toBe(366);
    expect(daysBetween('2015-06-01T18:00:00Z', '2015-06-02')).toBe(1);
  });
});

describe('financial years (1 April to 31 March)', () => {
  test('31 March belongs to the year that began the previous April', () => {
    expect(financialYearOf('2016-03-31')).toBe('2015-16');
    expect(financialYearOf('2016-03-31T23:59:59Z')).toBe('2015-16');
  });

  test('1 April starts a new financial year', () => {
    expect(financialYearOf('2016-04-01')).toBe('2016-17');
    expect(financialYearOf('2015-04-01')).toBe('2015-16');
  });

  test('crosses a century', () => {
    expect(financialYearOf('2000-01-15')).toBe('1999-00');
    expect(parseFinancialYear('1999-00')).toEqual({ start: '1999-04-01', end: '2000-03-31' });
  });

  test('parses a financial year into its first and last day', () => {
    expect(parseFinancialYear('2015-16')).toEqual({ start: '2015-04-01', end: '2016-03-31' });
  });

  test('rejects malformed financial years', () => {
    for (const value of ['2015-17', '2015-15', '2015/16', '15-16', '2015-2016', '2015', '', null]) {
      expect(parseFinancialYear(value)).toBeNull();
    }
  });
});

describe('dates with their precision', () => {
  test('a day, a month, a year and "on or before" each have their window of possible days', () => {
    expect(dateWindow({ date: '2017-08-24', precision: 'day' })).toEqual({
      earliest: '2017-08-24',
      latest: '2017-08-24',
    });
    expect(dateWindow({ date: '2016-02-01', precision: 'month' })).toEqual({
      earliest: '2016-02-01',
      latest: '2016-02-29',
    });
    expect(dateWindow({ date: '2013-01-01', precision: 'year' })).toEqual({
      earliest: '2013-01-01',
      latest: '2013-12-31',
    });
    expect(dateWindow({ date: '2017-08-24', precision: 'on-or-before' })).toEqual({
      earliest: null,
      latest: '2017-08-24',
    });
  });

  test('"had it happened by" answers not known (null) inside the window, and yes or no outside it', () => {
    const january = { date: '2023-01-01', precision: 'month' } as const;
    expect(hadHappenedBy(january, '2022-12-31')).toBe(false);
    expect(hadHappenedBy(january, '2023-01-15')).toBeNull();
    expect(hadHappenedBy(january, '2023-01-31')).toBe(true);
    const byRegisterPage = { date: '2017-08-24', precision: 'on-or-before' } as const;
    expect(hadHappenedBy(byRegisterPage, '2016-03-31')).toBeNull();
    expect(hadHappenedBy(byRegisterPage, '2017-08-24')).toBe(true);
    const exact = { date: '2013-07-01', precision: 'day' } as const;
    expect(hadHappenedBy(exact, '2013-06-30')).toBe(false);
    expect(hadHappenedBy(exact, '2013-07-01T00:00:00.000Z')).toBe(true);
  });

  test('describes the date as precisely as it is known', () => {
    expect(describeDatedFact('in force', { date: '2017-08-24', precision: 'on-or-before' })).toBe(
      'in force by 24 August 2017',
    );
    expect(describeDatedFact('joined', { date: '2023-01-01', precision: 'month' })).toBe('joined in January 2023');
    expect(describeDatedFact('signed', { date: '2013-01-01', precision: 'year' })).toBe('signed in 2013');
    expect(describeDatedFact('withdrew', { date: '2019-04-01', precision: 'day' })).toBe('withdrew on 1 April 2019');
  });

  test('knows the precisions and nothing else', () => {
    for (const value of ['day', 'month', 'year', 'on-or-before']) expect(isRecordedDatePrecision(value)).toBe(true);
    for (const value of ['Day', 'week', '', null, 1]) expect(isRecordedDatePrecision(value)).toBe(false);
  });
});
