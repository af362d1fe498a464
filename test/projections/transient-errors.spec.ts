import { expect, test } from '@jest/globals';
import { isTransientDatabaseError } from '#event-store';
import {} from '#projections';

test('database failures are transient; failures of the event are not', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  expect(isTransientDatabaseError(withCode('57P01'))).toBe(true); // admin shutdown
  expect(isTransientDatabaseError(withCode('08006'))).toBe(true); // connection failure
  expect(isTransientDatabaseError(withCode('40001'))).toBe(true); // serialisation failure
  expect(isTransientDatabaseError(withCode('ECONNREFUSED'))).toBe(true);
  expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(isTransientDatabaseError(withCode('23505'))).toBe(false); // unique violation
  expect(isTransientDatabaseError(withCode('22P02'))).toBe(false); // invalid text representation
  expect(isTransientDatabaseError(withCode('party-already-signed'))).toBe(false);
  expect(isTransientDatabaseError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
});
