import { describe, expect, test } from '@jest/globals';
import { quoteIdentifier, timestampTextToIso } from './sql-types.js';

describe('timestampTextToIso', () => {
  test.each([
    ['2016-03-03 10:00:00+00', '2016-03-03T10:00:00.000Z'],
    ['2016-03-03 10:00:00.1+00', '2016-03-03T10:00:00.100Z'],
    ['2016-03-03 10:00:00.123999+00', '2016-03-03T10:00:00.123Z'],
    ['2016-03-03 00:30:00+01', '2016-03-02T23:30:00.000Z'],
    ['2016-03-03 10:00:00+05:30', '2016-03-03T04:30:00.000Z'],
    ['1900-01-01 00:00:00-00:01:15', '1900-01-01T00:01:15.000Z'],
    ['2016-03-03 10:00:00', '2016-03-03T10:00:00.000Z'],
    ['0044-03-15 12:00:00+00', '0044-03-15T12:00:00.000Z'],
    ['0044-03-15 12:00:00+00 BC', '-000043-03-15T12:00:00.000Z'],
    ['infinity', 'infinity'],
    ['-infinity', '-infinity'],
  ])('%s → %s', (text, iso) => {
    expect(timestampTextToIso(text)).toBe(iso);
  });
});

test('quoteIdentifier doubles embedded quotes', () => {
  expect(quoteIdentifier('events_appended')).toBe('"events_appended"');
  expect(quoteIdentifier('a"b')).toBe('"a""b"');
});
