import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min, ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { isBodySlug, isCalendarDate, isEntityId, isIsoDateTime } from '#domain';

/** Officers may give a date (`2016-03-31`) or a datetime with its offset (`2016-03-31T14:00:00+01:00`). */
const DATETIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A body's lower-case slug such as `thames-valley` or `hm-revenue-customs` (at most 64 characters). */
export const IsSlug = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isSlug',
      validator: {
        validate: isBodySlug,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a lower-case slug of letters, digits and single hyphens (at most 64 characters), e.g. thames-valley.`,
          options,
        ),
      },
    },
    options,
  );

export const ENTITY_ID_MESSAGE =
  'must be 1 to 100 letters, digits, dots, underscores or hyphens, starting with a letter or digit.';

/** The id of an agreement, board, meeting or decision (it becomes part of a stream name and a URL). */
export const IsEntityId = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isEntityId',
      validator: {
        validate: isEntityId,
        defaultMessage: buildMessage((each) => `${each}$property ${ENTITY_ID_MESSAGE}`, options),
      },
    },
    options,
  );

/**
 * The instants PostgreSQL's timestamptz and date can hold that JavaScript writes as YYYY: years 0001
 * to 9999. Year 0000 is 1 BC in ISO 8601 and does not exist in PostgreSQL; a year past 9999 is
 * written `+010000` by toISOString and is no date of the form events store.
 */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

const isRecordableInstant = (epochMs: number): boolean => epochMs >= FIRST_INSTANT && epochMs <= LAST_INSTANT;

/** A real calendar date the database can store (0001-01-01 to 9999-12-31). */
export const isRecordableDate = (value: unknown): value is string =>
  typeof value === 'string' && isCalendarDate(value) && !value.startsWith('0000');

export const isOccurredAt = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const text: string = value;
  if (isCalendarDate(text)) return isRecordableDate(text);
  // The offset can carry the instant across a year boundary: 9999-12-31T23:30-01:00 is in year 10000.
  return DATETIME_WITH_OFFSET.test(text) && isCalendarDate(text.slice(0, 10)) && isRecordableInstant(Date.parse(text));
};

/** A real date or datetime with offset (no 2015-02-30). */
export const IsOccurredAt = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isOccurredAt',
      validator: {
        validate: isOccurredAt,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a real date (YYYY-MM-DD) or a datetime with its offset (YYYY-MM-DDThh:mm:ssZ), in UTC between the years 0001 and 9999.`,
          options,
        ),
      },
    },
    options,
  );

/** A real calendar date, YYYY-MM-DD (no 2015-02-30). */
export const IsCalendarDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: isRecordableDate,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a real calendar date in the form YYYY-MM-DD, between the years 0001 and 9999.`,
          options,
        ),
      },
    },
    options,
  );

/**
 * Pounds with at most two decimal places, judged on the number's own decimal form: class-validator's
 * maxDecimalPlaces fails with a TypeError on exponent forms such as 1e-7.
 */
export const isAmountGbp = (value: unknown): value is number =>
  typeof value === 'number' && /^\d+(\.\d{1,2})?$/.test(String(value));

export const IsAmountGbp = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isAmountGbp',
      validator: {
        validate: isAmountGbp,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an amount in pounds, zero or more, with at most two decimal places.`,
          options,
        ),
      },
    },
    options,
  );

/** Normalises a validated occurredAt to ISO 8601 UTC; a date means midnight UTC of that day; absent means now. */
export function normaliseOccurredAt(value: string | undefined, now: Date): string {
  if (value === undefined) return now.toISOString();
  const iso = isCalendarDate(value) ? `${value}T00:00:00.000Z` : new Date(value).toISOString();
  if (!isIsoDateTime(iso)) throw new Error(`unreachable: ${value} passed validation but is not a datetime`);
  return iso;
}

/** Stream revisions are PostgreSQL integers: a revision past this is none the log can hold. */
export const MAX_REVISION = 2_147_483_647;

/** Every write accepts the stream revision the client last read (optimistic concurrency). */
export class WriteRequest {
  @ApiPropertyOptional({
    description:
      'The revision you last read of this record; if someone changed it since, the write is refused with 409.',
    minimum: -1,
    maximum: MAX_REVISION,
  })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(MAX_REVISION)
  expectedRevision?: number;
}

/**
 * Stamps a command with the server's clock: `metadata.now`, and `occurredAt` normalised to UTC
 * (defaulting to now) when the command carries one.
 */
export function stamp<T extends string, D extends object>(
  type: T,
  data: D,
  clock: { now(): Date },
): { type: T; data: Stamped<D>; metadata: { now: string } } {
  const now = clock.now();
  const withTime =
    'occurredAt' in data
      ? { ...data, occurredAt: normaliseOccurredAt(data.occurredAt as string | undefined, now) }
      : data;
  return { type, data: withTime as Stamped<D>, metadata: { now: now.toISOString() } };
}

type Stamped<D> = 'occurredAt' extends keyof D ? Omit<D, 'occurredAt'> & { occurredAt: string } : D;
