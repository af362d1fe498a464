import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { parseFinancialYear } from '#domain';
import { InvalidPositionError, type EventStore, type Position } from '#event-store';
import { RequestValidationError } from '#platform';

/**
 * A financial year such as `2015-16` (April 2015 to March 2016), within the years dates may take
 * (0001-02 to 9998-99): 0000-01 would start in a year PostgreSQL does not have, 9999-00 end in 10000.
 */
export const isFinancialYear = (value: unknown): boolean => {
  const span = parseFinancialYear(value);
  return span !== null && !span.start.startsWith('0000') && !span.end.startsWith('10000');
};

export const IsFinancialYear = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isFinancialYear',
      validator: {
        validate: isFinancialYear,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a financial year such as 2015-16 (April to March), from 0001-02 to 9998-99.`,
          options,
        ),
      },
    },
    options,
  );

/** Either form an event store writes: decimal (SQL) or `<commit>/<prepare>`, 16 hex digits each (KurrentDB). */
const POSITION_FORMS = /^(\d{1,19}|[0-9a-fA-F]{16}\/[0-9a-fA-F]{16})$/;

/**
 * A position the service answered with (a write's `position`, the audit trail's `next`). Only its
 * shape is checked here; `parseQueryPosition` then asks the configured store whether it is one of its own.
 */
export const IsEventPosition = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isEventPosition',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && POSITION_FORMS.test(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a position the service answered with (a write's position, or the audit trail's next).`,
          options,
        ),
      },
    },
    options,
  );

/** The store's own reading of a query's position; a position in the other store's form is a 400 naming the field. */
export function parseQueryPosition(store: EventStore, field: string, text: string): Position {
  try {
    return store.parsePosition(text);
  } catch (error) {
    if (!(error instanceof InvalidPositionError)) throw error;
    throw new RequestValidationError(
      [
        {
          field,
          rule: 'isEventPosition',
          message: `${field} must be a position of this service's event store: ${error.message}`,
        },
      ],
      'query',
    );
  }
}
