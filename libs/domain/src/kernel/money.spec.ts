import { describe, expect, test } from '@jest/globals';
import { ValidationError } from './errors.js';
import { formatPence, gbpToPence } from './money.js';

describe('gbpToPence', () => {
  test('converts pounds to whole pence without floating-point drift', () => {
    expect(gbpToPence(8_500_000)).toBe(850_000_000);
    expect(gbpToPence(0.1 + 0.2)).toBe(30);
    expect(gbpToPence(1234.56)).toBe(123_456);
    expect(gbpToPence(0)).toBe(0);
  });

  test('rejects negative amounts, fractions of a penny and non-numbers', () => {
    for (const value of [-1, 10.005, Number.NaN, Number.POSITIVE_INFINITY, '100', null]) {
      expect(() => gbpToPence(value)).toThrow(ValidationError);
    }
  });
});

describe('formatPence', () => {
  test('writes pounds the British way', () => {
    expect(formatPence(850_000_000)).toBe('£8,500,000.00');
  });

  test('puts the sign of a net cost before the pound sign', () => {
    expect(formatPence(-1_650_000_000)).toBe('-£16,500,000.00');
  });
});
