import { ValidationError } from './errors.js';

/**
 * Pounds as officers type them (`8500000`, `1234.5`) to whole pence, which is what events store:
 * floating-point pounds would drift when summed across years and agreements.
 */
export const gbpToPence = (amountGbp: unknown, field = 'amountGbp'): number => {
  const invalid = () =>
    new ValidationError(
      'invalid-amount',
      `${String(amountGbp)} is not an amount in pounds: give zero or more, with at most two decimal places.`,
      field,
    );
  if (typeof amountGbp !== 'number' || !Number.isFinite(amountGbp) || amountGbp < 0) throw invalid();
  const pence = Math.round(amountGbp * 100);
  // 0.1 + 0.2 pounds is 30.000000000000004 pence: tolerate binary noise, not a fraction of a penny.
  if (!Number.isSafeInteger(pence) || Math.abs(pence - amountGbp * 100) > 1e-6 * Math.max(1, pence)) throw invalid();
  return pence;
};

/** 850000000 → "£8,500,000.00" (and -100 → "-£1.00", a net cost), for messages and pages. */
export const formatPence = (pence: number): string =>
  `${pence < 0 ? '-' : ''}£${(Math.abs(pence) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
