/**
 * Given/when/then for deciders (test-only: not exported from the barrel, as it imports Jest).
 *
 *   given(agreementDecider, [drafted]).when(sign).then([signed]);
 *   given(agreementDecider, [drafted]).when(signTwice).thenThrows(RuleBrokenError, 'party-already-signed');
 */
import { expect } from '@jest/globals';
import { fold, type Decider } from './decider.js';
import { DomainError } from './errors.js';

/**
 * The names every object and every function inherits (`constructor`, `toString`, `__proto__`, `call` …):
 * ids a plain-object lookup would find although nobody recorded them.
 */
export const INHERITED_NAMES: readonly string[] = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype)]),
];

type DomainErrorClass<E extends DomainError> = abstract new (...args: never[]) => E;

export interface When<Event, State> {
  /** Asserts the exact events decided, and returns the state after them for further checks. */
  then(expected: Event[]): State;
  /** Asserts the decider refused with this error class and code, and returns the error. */
  thenThrows<E extends DomainError>(errorClass: DomainErrorClass<E>, code: string): E;
}

export const given = <Command, Event, State>(
  decider: Decider<Command, Event, State>,
  history: readonly Event[] = [],
) => ({
  when(command: Command): When<Event, State> {
    const state = fold(decider, history);
    return {
      then(expected) {
        const decided = decider.decide(command, state);
        expect(decided).toEqual(expected);
        return decided.reduce((s, e) => decider.evolve(s, e), state);
      },
      thenThrows(errorClass, code) {
        let decided: Event[];
        try {
          decided = decider.decide(command, state);
        } catch (error) {
          expect(error).toBeInstanceOf(errorClass);
          expect((error as DomainError).code).toBe(code);
          expect((error as DomainError).message).not.toBe('');
          return error as never;
        }
        throw new Error(
          `Expected ${errorClass.name} "${code}", but the command was accepted: ${JSON.stringify(decided)}`,
        );
      },
    };
  },
});
