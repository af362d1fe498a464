import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { nestsDeeperThan } from './json-body.js';

const depthOf = (value: unknown): number =>
  typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the depth of a JSON body, read from its bytes before parsing', () => {
  test('is the nesting of its objects and arrays, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, max) => {
        expect(nestsDeeperThan(bytes(JSON.stringify(value)), max)).toBe(depthOf(value) > max);
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  test('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(bytes(JSON.stringify({ a: '[[[{{{', b: 'say \\"[[[\\" twice', c: ['"]]]"'] })), 2)).toBe(
      false,
    );
    expect(nestsDeeperThan(bytes('{"a":[[1]]}'), 2)).toBe(true);
  });

  test('sees 100,000 levels without recursing', () => {
    expect(nestsDeeperThan(bytes('['.repeat(100_000)), 32)).toBe(true);
  });
});
