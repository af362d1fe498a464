import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { GENESIS_HASH, canonicalJson, hashEvent, type Position, type StoredEvent } from '#event-store';

describe('canonical JSON', () => {
  test('sorts keys at every depth by UTF-16 code units and writes no whitespace', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x', B: true, é: 1, '10': 0, '9': 0 })).toBe(
      '{"10":0,"9":0,"B":true,"a":"x","b":[3,{"a":null,"z":1}],"é":1}',
    );
  });

  test('writes numbers and strings as JSON.stringify does (RFC 8785)', () => {
    expect(canonicalJson([0.1, 1e21, -0, 5e-324, 2 ** 60, 12.5, 'quote " backslash \\ tab \t — ✓'])).toBe(
      '[0.1,1e+21,0,5e-324,1152921504606847000,12.5,"quote \\" backslash \\\\ tab \\t — ✓"]',
    );
  });

  test('the same value gives the same text whatever its key order', () => {
    expect(canonicalJson(JSON.parse('{"a":{"y":1,"x":[1,2]},"b":2}'))).toBe(
      canonicalJson({ b: 2, a: { x: [1, 2], y: 1 } }),
    );
  });

  test('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow(TypeError);
    expect(() => canonicalJson([Number.NaN])).toThrow(TypeError);
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
  });
});

describe('event hash', () => {
  const event: StoredEvent = {
    eventId: '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f',
    type: 'BoardMeetingCancelled',
    streamId: 'board-hants-tvp',
    revision: 4,
    position: '42' as Position,
    schemaVersion: 1,
    occurredAt: '2015-11-12T00:00:00.000Z',
    recordedAt: '2015-11-20T09:30:00.000Z',
    actor: 'officer:jane.doe (thames-valley)',
    correlationId: 'c-1',
    causationId: null,
    data: { meetingId: 'm-2015-q3', reason: 'diary clash' },
  };

  test('is pinned: SHA-256 of the canonical envelope, so a change to what it covers must come with a new hash version', () => {
    expect(createHash('sha256').update(CANONICAL, 'utf8').digest('hex')).toBe(PINNED);
    expect(hashEvent(event, GENESIS_HASH)).toBe(PINNED);
  });

  test('covers every envelope field, the position and the previous hash', () => {
    const base = hashEvent(event, GENESIS_HASH);
    const variants: Partial<StoredEvent>[] = [
      { eventId: '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e50' },
      { type: 'BoardMeetingHeld' },
      { streamId: 'board-hants-tvq' },
      { revision: 5 },
      { position: '43' as Position },
      { schemaVersion: 2 },
      { occurredAt: '2015-11-12T00:00:00.001Z' },
      { recordedAt: '2015-11-20T09:30:00.001Z' },
      { actor: 'officer:jane.doe (thames-valley) ' },
      { correlationId: 'c-2' },
      { causationId: 'c-1' },
      { data: { meetingId: 'm-2015-q3', reason: 'diary clasH' } },
    ];
    for (const variant of variants) expect(hashEvent({ ...event, ...variant }, GENESIS_HASH)).not.toBe(base);
    expect(hashEvent(event, 'f'.repeat(64))).not.toBe(base);
    expect(hashEvent({ ...event, data: { reason: 'diary clash', meetingId: 'm-2015-q3' } }, GENESIS_HASH)).toBe(base);
  });
});

/** What an auditor hashes by hand for the event above: `printf '%s' "$CANONICAL" | sha256sum`. */
const CANONICAL =
  '{"actor":"officer:jane.doe (thames-valley)","causationId":null,"correlationId":"c-1",' +
  '"data":{"meetingId":"m-2015-q3","reason":"diary clash"},"eventId":"6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",' +
  '"occurredAt":"2015-11-12T00:00:00.000Z","position":"42","prevHash":"' +
  '0'.repeat(64) +
  '",' +
  '"recordedAt":"2015-11-20T09:30:00.000Z","revision":4,"schemaVersion":1,"streamId":"board-hants-tvp",' +
  '"type":"BoardMeetingCancelled","v":1}';
const PINNED = 'c01c0a96d56031301a3ed974415d6eb9daeff4bbee44743f55770274fcb0f7bb';

describe('event hash text', () => {
  test('is the canonical JSON of {v, ...envelope, prevHash} for any envelope and data', () => {
    const text = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(
        fc.record({
          eventId: fc.uuid(),
          type: text,
          streamId: text,
          revision: fc.nat(),
          position: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map((p) => p.toString() as Position),
          schemaVersion: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          occurredAt: text,
          recordedAt: text,
          actor: text,
          correlationId: text,
          causationId: fc.option(text),
          data: fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
        }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (event, prevHash) => {
          const expected = createHash('sha256')
            .update(canonicalJson({ v: 1, ...event, prevHash }), 'utf8')
            .digest('hex');
          expect(hashEvent(event, prevHash)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
