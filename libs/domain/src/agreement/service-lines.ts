import { ValidationError } from '../kernel/errors.js';
import { termsInForceOn, type TermsVersion } from './terms.js';

/**
 * A service line of an agreement (issue 15 item 3, seed 002: the tri-force armed policing, dogs and roads unit,
 * whose dogs and roads sections went back to the three forces while firearms went on under a host force). A service
 * line is one of the agreement's functions, recorded with the days it runs: the functions the terms list
 * (terms.ts) are the same thing as a version of the document names them, not a second concept (docs/domain.md,
 * "Service lines").
 */
export interface ServiceLine {
  serviceLineId: string;
  name: string;
  /** The day it started (`YYYY-MM-DD`). */
  from: string;
  /** The day it ended, null while it runs; it does not run on that day. */
  until: string | null;
  endReason: string | null;
}

/** Whether the line runs on `on`: from its first day, up to (not including) the day it ended. */
export const isRunningOn = (line: Pick<ServiceLine, 'from' | 'until'>, on: string): boolean =>
  line.from <= on && (line.until === null || on < line.until);

const sameFunction = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Where the terms in force on the day list the agreement's functions, a service line is one of them: the same name
 * (letter case and surrounding spaces aside). Terms that list none, or no terms yet, leave the name free.
 */
export const requireFunctionOfTerms = (terms: readonly TermsVersion[], name: string, on: string): void => {
  const inForce = termsInForceOn(terms, on);
  const functions = inForce?.terms.functions ?? [];
  if (inForce === null || functions.length === 0) return;
  if (functions.some((f) => sameFunction(f, name))) return;
  throw new ValidationError(
    'not-a-function-of-terms',
    `"${name}" is not one of the functions the terms in force on ${on} (version ${inForce.termsVersion}) list ` +
      `(${functions.map((f) => `"${f}"`).join(', ')}): a service line is one of them. Name it as the terms do, ` +
      'or set terms that list it first.',
    'name',
  );
};
