import { isCalendarDate, isIsoDateTime, isLaterThan, normaliseDateTime, toCalendarDate } from './dates.js';
import { ValidationError } from './errors.js';

/** Ids become part of stream names and URLs, so they are kept to a plain, URL-safe alphabet. */
const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const isEntityId = (value: unknown): value is string => typeof value === 'string' && ENTITY_ID.test(value);

export const requireEntityId = (value: unknown, field: string, what: string): string => {
  if (!isEntityId(value)) {
    throw new ValidationError(
      `invalid-${what}-id`,
      `"${String(value)}" cannot be used as a ${what} id: use 1 to 100 letters, digits, dots, underscores or hyphens, starting with a letter or digit.`,
      field,
    );
  }
  return value;
};

/** Free text an officer must give (a title, a reason); returned trimmed. */
export const requireText = (value: unknown, field: string, code: string, message: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError(code, message, field);
  return value.trim();
};

/** Optional free text: absent or blank becomes null. */
export const optionalText = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

export const requireOneOf = <T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  code: string,
  what: string,
): T => {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(code, `"${String(value)}" is not a ${what}: use one of ${allowed.join(', ')}.`, field);
  }
  return value as T;
};

export const requireCalendarDate = (value: unknown, field: string, what: string): string => {
  if (!isCalendarDate(value)) {
    throw new ValidationError(
      `invalid-${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      `"${String(value)}" is not a date for ${what}: give a real date as YYYY-MM-DD.`,
      field,
    );
  }
  return value as string;
};

/**
 * The valid time an officer gives for a fact. It may be late (a meeting held on 3 March and logged on
 * 10 March) but never ahead of the server clock: the record only holds what has happened.
 * Returns the canonical UTC form.
 */
export const requireOccurredAt = (occurredAt: unknown, now: string): string => {
  if (!isIsoDateTime(occurredAt)) {
    throw new ValidationError(
      'invalid-occurred-at',
      `"${String(occurredAt)}" is not a date and time: give an ISO 8601 date-time such as 2015-06-01T00:00:00Z.`,
      'occurredAt',
    );
  }
  if (isLaterThan(occurredAt, now)) {
    throw new ValidationError(
      'occurred-in-future',
      `The date given (${toCalendarDate(normaliseDateTime(occurredAt))}) is in the future: record a fact once it has happened.`,
      'occurredAt',
    );
  }
  return normaliseDateTime(occurredAt);
};

export const requireInteger = (
  value: unknown,
  { min, max }: { min: number; max?: number },
  field: string,
  code: string,
  what: string,
): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
    throw new ValidationError(code, `${String(value)} is not a valid ${what}: give a whole number ${range}.`, field);
  }
  return value;
};
