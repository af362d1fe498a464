import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { parseFinancialYear } from '#domain';

/** A financial year such as `2015-16` (April 2015 to March 2016). */
export const IsFinancialYear = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isFinancialYear',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseFinancialYear(value) !== null,
        defaultMessage: buildMessage((each) => `${each}$property must be a financial year such as 2015-16 (April to March).`, options),
      },
    },
    options,
  );
