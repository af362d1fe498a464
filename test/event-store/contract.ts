/**
 * The EventStore contract: every adapter runs these same tests (docs/architecture.md, "The event store contract").
 * Tests share one database per file, so each uses its own streams and starts reading from the
 * head it saw at its start.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  IdempotencyKeyReusedError,
  InvalidAppendError,
  InvalidPositionError,
  type AppendOptions,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type StoredEvent,
  positionFromKey,
  positionKey,
} from '#event-store';

export interface ContractFixture {
  /**
   * Opens a store on the fixture's database. Every call gives a separate store (for a server
   * database a separate connection pool), as another process would have.
   */
  openStore(): Promise<EventStore>;
  dispose(): Promise<void>;
}

const ACTOR = 'officer.jones@thamesvalley.pnn.police.uk';
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const stream = (prefix = 'agreement') => `${prefix}-${randomUUID()}`;
const event = (type = 'AgreementVaried', data: unknown = { summary: 'terms updated' }): NewEvent => ({
  type,
  occurredAt: '2016-03-03',
  data,
});
const opts = (expectedRevision: ExpectedRevision, more: Partial<AppendOptions> = {}): AppendOptions => ({
  expectedRevision,
  actor: ACTOR,
  ...more,
});

/** Resolves when `predicate` holds, polling; fails after `timeoutMs`. */
async function eventually(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

export function eventStoreContract(
  name: string,
  makeFixture: () => Promise<ContractFixture>,
  describeFn: (name: string, fn: () => void) => void = describe,
): void {
  describeFn(`EventStore contract: ${name}`, () => {
    let fixture: ContractFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await makeFixture();
      store = await fixture.openStore();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    /** Every event after `head` (null: the whole log), in position order. Positions are opaque,
     *  so each page starts at the last seen position (inclusive) and drops it. */
    async function readAllAfter(head: Position | null): Promise<StoredEvent[]> {
      const all: StoredEvent[] = [];
      let after = head;
      for (;;) {
        const page = await store.readAll({ fromPosition: after ?? undefined, maxCount: 1000 });
        const fresh = after === null ? page : page.filter((e) => store.comparePositions(e.position, after!) > 0);
        if (fresh.length === 0) return all;
        all.push(...fresh);
        after = fresh[fresh.length - 1]!.position;
      }
    }

    describe('append and the envelope', () => {
      test('stores every envelope field and answers with revision and positions', async () => {
        const streamId = stream();
        const eventId = randomUUID();
        const correlationId = randomUUID();
        const causationId = randomUUID();
        const before = Date.now();
        const result = await store.append(
          streamId,
          [
            {
              eventId,
              type: 'AgreementDrafted',
              schemaVersion: 2,
              occurredAt: '2016-03-03T10:15:30.250Z',
              data: { title: 'Bi-lateral', parties: ['hampshire', 'thames-valley'] },
            },
            { type: 'PartyAdded', occurredAt: '2016-03-04', data: { party: 'hampshire' } },
          ],
          opts('no-stream', { correlationId, causationId }),
        );
        const after = Date.now();
        const events = await store.readStream(streamId);

        expect(result).toEqual({
          streamId,
          nextExpectedRevision: 1,
          firstPosition: events[0]!.position,
          lastPosition: events[1]!.position,
          replayed: false,
        });
        expect(events[0]).toEqual({
          eventId,
          type: 'AgreementDrafted',
          streamId,
          revision: 0,
          position: expect.any(String),
          schemaVersion: 2,
          occurredAt: '2016-03-03T10:15:30.250Z',
          recordedAt: expect.stringMatching(ISO_UTC_MS),
          actor: ACTOR,
          correlationId,
          causationId,
          data: { title: 'Bi-lateral', parties: ['hampshire', 'thames-valley'] },
        });
        expect(events[1]).toMatchObject({
          type: 'PartyAdded',
          revision: 1,
          schemaVersion: 1,
          occurredAt: '2016-03-04T00:00:00.000Z',
          correlationId,
          causationId,
        });
        const recordedAt = Date.parse(events[0]!.recordedAt);
        expect(recordedAt).toBeGreaterThanOrEqual(before - 1);
        expect(recordedAt).toBeLessThanOrEqual(after + 1);
        expect(events[1]!.recordedAt).toBe(events[0]!.recordedAt);
      });

      test('generates eventIds and one correlationId per append when absent', async () => {
        const streamId = stream();
        await store.append(streamId, [event(), event()], opts('any'));
        await store.append(streamId, [event()], opts('any'));
        const [a, b, c] = await store.readStream(streamId);
        for (const e of [a, b, c]) {
          expect(e!.eventId).toMatch(UUID);
          expect(e!.correlationId).toMatch(UUID);
          expect(e!.causationId).toBeNull();
        }
        expect(new Set([a!.eventId, b!.eventId, c!.eventId]).size).toBe(3);
        expect(b!.correlationId).toBe(a!.correlationId);
        expect(c!.correlationId).not.toBe(a!.correlationId);
      });

      test('keeps the traceparent an append was made under beside the correlation id, and refuses a malformed one', async () => {
        const traced = stream();
        const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        await store.append(traced, [event(), event()], opts('no-stream', { traceparent }));
        const untraced = stream();
        await store.append(untraced, [event()], opts('no-stream'));
        expect((await store.readStream(traced)).map((e) => e.traceparent)).toEqual([traceparent, traceparent]);
        const [plain] = await store.readStream(untraced);
        expect(plain).not.toHaveProperty('traceparent');
        const all = await store.readAll({ maxCount: 100_000 });
        expect(all.find((e) => e.streamId === traced)?.traceparent).toBe(traceparent);

        const refused = store.append(stream(), [event()], opts('any', { traceparent: '00-not-a-trace-01' }));
        await expect(refused).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(refused).rejects.toThrow(/traceparent/);
      });

      test('reads occurredAt given with an offset or without one (UTC) as an ISO UTC instant', async () => {
        const streamId = stream();
        await store.append(
          streamId,
          [
            { type: 'BoardMeetingHeld', occurredAt: '2016-03-03T10:00:00+01:00', data: {} },
            { type: 'BoardMeetingHeld', occurredAt: '2016-03-03T10:00', data: {} },
          ],
          opts('no-stream'),
        );
        const events = await store.readStream(streamId);
        expect(events.map((e) => e.occurredAt)).toEqual(['2016-03-03T09:00:00.000Z', '2016-03-03T10:00:00.000Z']);
      });

      test('refuses a malformed append before it reaches the store, without failing appends made with it', async () => {
        const good = stream();
        const bad = stream();
        const [ok, invalid] = await Promise.allSettled([
          store.append(good, [event()], opts('no-stream')),
          store.append(bad, [{ type: 'AgreementSigned', occurredAt: '31/03/2016', data: {} }], opts('no-stream')),
        ]);
        expect(ok.status).toBe('fulfilled');
        expect(invalid.status === 'rejected' && invalid.reason).toBeInstanceOf(InvalidAppendError);
        expect(((invalid as PromiseRejectedResult).reason as Error).message).toContain('occurredAt');
        await expect(store.readStream(bad)).resolves.toEqual([]);
        for (const malformed of [
          store.append('', [event()], opts('any')),
          store.append(stream(), [event()], opts('any', { actor: '' })),
          store.append(stream(), [event()], opts(-2)),
          store.append(stream(), [{ ...event(), eventId: 'not-a-uuid' }], opts('any')),
          store.append(stream(), [event('AgreementVaried', { text: 'nul \u0000 here' })], opts('any')),
          store.append(stream(), [{ ...event(), occurredAt: '2016-02-30' }], opts('any')),
        ]) {
          await expect(malformed).rejects.toBeInstanceOf(InvalidAppendError);
        }
      });

      test('refuses a lone surrogate in any text it would store, naming where; paired surrogates and escaped look-alikes are text', async () => {
        const lone = 'x\ud800y';
        const head = await store.headPosition();
        const cases: [string, Promise<unknown>][] = [
          ['streamId', store.append(`agreement-${lone}`, [event()], opts('any'))],
          ['events[0].type', store.append(stream(), [event(`Agreement${lone}`)], opts('any'))],
          ['events[0].data', store.append(stream(), [event('AgreementVaried', { summary: lone })], opts('any'))],
          ['events[0].data', store.append(stream(), [event('AgreementVaried', { [`k\udc00`]: 1 })], opts('any'))],
          ['actor', store.append(stream(), [event()], opts('any', { actor: `officer:${lone}` }))],
          ['correlationId', store.append(stream(), [event()], opts('any', { correlationId: lone }))],
          ['causationId', store.append(stream(), [event()], opts('any', { causationId: lone }))],
          [
            'idempotency key',
            store.append(stream(), [event()], opts('any', { idempotency: { key: lone, fingerprint: 'f' } })),
          ],
        ];
        for (const [field, append] of cases) {
          const error = await rejection(append);
          expect(error).toBeInstanceOf(InvalidAppendError);
          expect((error as Error).message).toContain(`${field} must be well-formed Unicode text`);
        }
        await expect(store.headPosition()).resolves.toBe(head);

        const text = { summary: 'emoji 😀, an escaped look-alike \\ud800 and \udbff\udfff' };
        const streamId = stream();
        await store.append(streamId, [event('AgreementVaried', text)], opts('no-stream', { actor: 'officer 😀' }));
        const [stored] = await store.readStream(streamId);
        expect(stored).toMatchObject({ data: text, actor: 'officer 😀' });
      });

      test('refuses an eventId that is already stored, failing only that append', async () => {
        const eventId = randomUUID();
        const first = stream();
        await store.append(first, [{ ...event(), eventId }], opts('no-stream'));
        const other = stream();
        const again = stream();
        const [dup, fine] = await Promise.allSettled([
          store.append(again, [event(), { ...event(), eventId }], opts('no-stream')),
          store.append(other, [event()], opts('no-stream')),
        ]);
        expect(dup.status === 'rejected' && dup.reason).toBeInstanceOf(DuplicateEventIdError);
        expect(fine.status).toBe('fulfilled');
        await expect(store.readStream(again)).resolves.toEqual([]);
      });
    });

    describe('expected revision', () => {
      test('no-stream: conflicts when the stream exists and writes nothing', async () => {
        const streamId = stream();
        await store.append(streamId, [event()], opts('no-stream'));
        const error = await rejection(store.append(streamId, [event(), event()], opts('no-stream')));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ code: 'concurrency-conflict', streamId, expected: 'no-stream', actual: 0 });
        await expect(store.readStream(streamId)).resolves.toHaveLength(1);
      });

      test('a revision: conflicts when stale or ahead and writes none of the events', async () => {
        const streamId = stream();
        await store.append(streamId, [event(), event()], opts('no-stream'));
        for (const stale of [0, 2, 7]) {
          const error = await rejection(store.append(streamId, [event(), event(), event()], opts(stale)));
          expect(error).toBeInstanceOf(ConcurrencyError);
          expect(error).toMatchObject({ expected: stale, actual: 1 });
        }
        await expect(store.readStream(streamId)).resolves.toHaveLength(2);
        const result = await store.append(streamId, [event()], opts(1));
        expect(result.nextExpectedRevision).toBe(2);
      });

      test('a revision on a stream that does not exist conflicts with actual -1', async () => {
        const streamId = stream();
        await expect(store.append(streamId, [event()], opts(0))).rejects.toMatchObject({
          name: 'ConcurrencyError',
          actual: -1,
        });
        await expect(store.readStream(streamId)).resolves.toEqual([]);
      });

      test('any: appends whatever the stream holds', async () => {
        const streamId = stream();
        await store.append(streamId, [event()], opts('any'));
        const result = await store.append(streamId, [event()], opts('any'));
        expect(result.nextExpectedRevision).toBe(1);
        expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1]);
      });

      test('an empty append only checks the expectation', async () => {
        const streamId = stream();
        const head = await store.headPosition();
        await expect(store.append(streamId, [], opts('no-stream'))).resolves.toEqual({
          streamId,
          nextExpectedRevision: -1,
          firstPosition: null,
          lastPosition: null,
          replayed: false,
        });
        await store.append(streamId, [event()], opts('no-stream'));
        await expect(store.append(streamId, [], opts(0))).resolves.toMatchObject({
          nextExpectedRevision: 0,
          firstPosition: null,
        });
        await expect(store.append(streamId, [], opts('no-stream'))).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await readAllAfter(head)).toHaveLength(1);
      });
    });

    describe('reading', () => {
      test('readStream pages by fromRevision and maxCount; an unknown stream is empty', async () => {
        const streamId = stream();
        await store.append(
          streamId,
          Array.from({ length: 7 }, (_, i) => event('AgreementVaried', { i })),
          opts('no-stream'),
        );
        expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect((await store.readStream(streamId, { fromRevision: 2, maxCount: 3 })).map((e) => e.data)).toEqual([
          { i: 2 },
          { i: 3 },
          { i: 4 },
        ]);
        expect(await store.readStream(streamId, { fromRevision: 7 })).toEqual([]);
        expect(await store.readStream(stream())).toEqual([]);
      });

      test('readAll pages from an inclusive position in position order', async () => {
        const head = await store.headPosition();
        const a = stream();
        const b = stream();
        await store.append(a, [event(), event()], opts('no-stream'));
        await store.append(b, [event()], opts('no-stream'));
        await store.append(a, [event()], opts(1));
        const mine = await readAllAfter(head);
        expect(mine.map((e) => [e.streamId, e.revision])).toEqual([
          [a, 0],
          [a, 1],
          [b, 0],
          [a, 2],
        ]);
        const page = await store.readAll({ fromPosition: mine[1]!.position, maxCount: 2 });
        expect(page.map((e) => e.eventId)).toEqual([mine[1]!.eventId, mine[2]!.eventId]);
        expect(await store.readAll({ fromPosition: mine[3]!.position, maxCount: 10 })).toEqual([mine[3]]);
      });

      test('positions strictly increase across appends and streams and follow revisions within a stream', async () => {
        const head = await store.headPosition();
        const streams = [stream(), stream(), stream()];
        for (let round = 0; round < 4; round++) {
          await Promise.all(streams.map((s) => store.append(s, [event(), event()], opts('any'))));
        }
        const mine = await readAllAfter(head);
        expect(mine).toHaveLength(24);
        for (let i = 1; i < mine.length; i++)
          expect(store.comparePositions(mine[i - 1]!.position, mine[i]!.position)).toBe(-1);
        for (const s of streams)
          expect(mine.filter((e) => e.streamId === s).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      });

      test('the read-side position key sorts as text in log order and gives the position back', async () => {
        const head = await store.headPosition();
        const streamId = stream();
        for (let i = 0; i < 12; i++) await store.append(streamId, [event()], opts(i - 1 < 0 ? 'no-stream' : i - 1));
        const positions = (await readAllAfter(head)).map((e) => e.position);
        expect(positions).toHaveLength(12);
        // Byte order, as `text COLLATE "C"` compares, not the locale's.
        const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
        for (const a of positions) {
          expect(positionFromKey(positionKey(a))).toBe(a);
          for (const b of positions)
            expect(byteOrder(positionKey(a), positionKey(b))).toBe(store.comparePositions(a, b));
        }
      });

      test('eventsBetween counts the events a reader at a position is behind, within a limit', async () => {
        const head = await store.headPosition();
        const { lastPosition } = await store.append(stream(), [event(), event(), event()], opts('no-stream'));
        const mine = await readAllAfter(head);
        expect(await store.eventsBetween(head, lastPosition!)).toBe(3);
        expect(await store.eventsBetween(mine[0]!.position, lastPosition!)).toBe(2);
        expect(await store.eventsBetween(lastPosition, lastPosition!)).toBe(0);
        expect(await store.eventsBetween(lastPosition, mine[0]!.position)).toBe(0);
        expect(await store.eventsBetween(head, lastPosition!, 2)).toBe(2);
        if (head === null) expect(await store.eventsBetween(null, lastPosition!)).toBe(3);
      });

      test('headPosition is the position of the last event', async () => {
        const result = await store.append(stream(), [event(), event()], opts('no-stream'));
        expect(await store.headPosition()).toBe(result.lastPosition);
      });

      test('parsePosition accepts what positions look like and refuses anything else', async () => {
        const { lastPosition } = await store.append(stream(), [event()], opts('no-stream'));
        expect(store.parsePosition(lastPosition!)).toBe(lastPosition);
        for (const text of ['', '-1', 'abc', '1.5', ' 1', '1e3', '99999999999999999999999']) {
          expect(() => store.parsePosition(text)).toThrow(InvalidPositionError);
        }
        await expect(store.readAll({ fromPosition: 'x' as Position })).rejects.toBeInstanceOf(InvalidPositionError);
        expect(store.comparePositions(lastPosition!, lastPosition!)).toBe(0);
      });
    });

    describe('idempotency', () => {
      test('a replayed key returns the first result and writes nothing', async () => {
        const streamId = stream();
        const key = randomUUID();
        const first = await store.append(
          streamId,
          [event(), event()],
          opts('no-stream', { idempotency: { key, fingerprint: 'f1' } }),
        );
        const replay = await store.append(
          streamId,
          [event(), event()],
          opts('no-stream', { idempotency: { key, fingerprint: 'f1' } }),
        );
        expect(replay).toEqual({ ...first, replayed: true });
        await expect(store.readStream(streamId)).resolves.toHaveLength(2);
        await expect(store.findIdempotentResult(key)).resolves.toEqual({ ...first, replayed: true, fingerprint: 'f1' });
        await expect(store.findIdempotentResult(randomUUID())).resolves.toBeNull();
      });

      test('a key reused with another fingerprint is refused', async () => {
        const streamId = stream();
        const key = randomUUID();
        await store.append(streamId, [event()], opts('no-stream', { idempotency: { key, fingerprint: 'f1' } }));
        const error = await rejection(
          store.append(streamId, [event()], opts(0, { idempotency: { key, fingerprint: 'f2' } })),
        );
        expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
        expect(error).toMatchObject({ code: 'idempotency-key-reused', key });
        await expect(store.readStream(streamId)).resolves.toHaveLength(1);
      });

      test('a key whose append conflicted was not used', async () => {
        const streamId = stream();
        const key = randomUUID();
        await store.append(streamId, [event()], opts('no-stream'));
        await expect(
          store.append(streamId, [event()], opts('no-stream', { idempotency: { key, fingerprint: 'f' } })),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(
          store.append(streamId, [event()], opts(0, { idempotency: { key, fingerprint: 'f' } })),
        ).resolves.toMatchObject({ replayed: false, nextExpectedRevision: 1 });
      });

      test('concurrent appends with one key from several stores: exactly one writes', async () => {
        const stores = [store, await fixture.openStore(), await fixture.openStore()];
        const streamId = stream();
        const key = randomUUID();
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            stores[i % stores.length]!.append(
              streamId,
              [event()],
              opts('any', { idempotency: { key, fingerprint: 'same' } }),
            ),
          ),
        );
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        const { replayed: _, ...first } = results.find((r) => !r.replayed)!;
        for (const r of results) expect(r).toEqual({ ...first, replayed: r.replayed });
        await expect(store.readStream(streamId)).resolves.toHaveLength(1);
      });
    });

    describe('subscription', () => {
      test('catches up in pages, then follows live appends', async () => {
        const head = await store.headPosition();
        const streamId = stream();
        await store.append(
          streamId,
          Array.from({ length: 25 }, (_, i) => event('AgreementVaried', { i })),
          opts('no-stream'),
        );
        const pages: StoredEvent[][] = [];
        const received = () => pages.flat().filter((e) => e.streamId === streamId);
        const subscription = store.subscribe((events) => Promise.resolve(void pages.push(events)), {
          after: head,
          batchSize: 10,
        });
        await eventually(() => received().length === 25);
        expect(pages.slice(0, 3).map((p) => p.length)).toEqual([10, 10, 5]);

        const writer = await fixture.openStore();
        await writer.append(streamId, [event('AgreementVaried', { i: 25 })], opts(24));
        await store.append(streamId, [event('AgreementVaried', { i: 26 })], opts(25));
        await eventually(() => received().length === 27);
        await subscription.stop();
        await expect(subscription.done).resolves.toBeUndefined();
        expect(received().map((e) => e.revision)).toEqual(Array.from({ length: 27 }, (_, i) => i));
      });

      test('starts after the given checkpoint', async () => {
        const streamId = stream();
        const { firstPosition } = await store.append(streamId, [event(), event(), event()], opts('no-stream'));
        const seen: StoredEvent[] = [];
        const subscription = store.subscribe((events) => Promise.resolve(void seen.push(...events)), {
          after: firstPosition,
        });
        await eventually(() => seen.filter((e) => e.streamId === streamId).length === 2);
        await subscription.stop();
        expect(seen.filter((e) => e.streamId === streamId).map((e) => e.revision)).toEqual([1, 2]);
      });

      test('delivers nothing after stop', async () => {
        const head = await store.headPosition();
        const seen: StoredEvent[] = [];
        const subscription = store.subscribe((events) => Promise.resolve(void seen.push(...events)), { after: head });
        await subscription.stop();
        await store.append(stream(), [event()], opts('no-stream'));
        await new Promise((r) => setTimeout(r, 700));
        expect(seen).toEqual([]);
        await expect(subscription.done).resolves.toBeUndefined();
      });

      test('waits for the handler before reading on, and a throwing handler rejects done and stops it', async () => {
        const head = await store.headPosition();
        const streamId = stream();
        await store.append(streamId, [event(), event(), event()], opts('no-stream'));
        let calls = 0;
        let running = 0;
        const subscription = store.subscribe(
          async () => {
            running++;
            expect(running).toBe(1);
            await new Promise((r) => setTimeout(r, 20));
            running--;
            if (++calls === 2) throw new Error('projection failed');
          },
          { after: head, batchSize: 1 },
        );
        await expect(subscription.done).rejects.toThrow('projection failed');
        await store.append(streamId, [event()], opts(2));
        await new Promise((r) => setTimeout(r, 300));
        expect(calls).toBe(2);
        await subscription.stop();
      });
    });

    describe('concurrent writers', () => {
      test('16 writers on one stream with revisions read beforehand: exactly the winners are stored, without holes', async () => {
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => fixture.openStore())))];
        const streamId = stream('board');
        await store.append(streamId, [event()], opts('no-stream'));
        const won: string[] = [];
        const lost: string[] = [];
        await Promise.all(
          Array.from({ length: 16 }, async (_, w) => {
            const writer = stores[w % stores.length];
            for (let attempt = 0; attempt < 8; attempt++) {
              const current = await writer!.readStream(streamId);
              const batch = [
                { ...event(), eventId: randomUUID() },
                { ...event(), eventId: randomUUID() },
              ];
              try {
                await writer!.append(streamId, batch, opts(current.at(-1)!.revision));
                won.push(...batch.map((e) => e.eventId));
              } catch (error) {
                expect(error).toBeInstanceOf(ConcurrencyError);
                lost.push(...batch.map((e) => e.eventId));
              }
            }
          }),
        );
        const stored = await store.readStream(streamId);
        expect(won.length).toBeGreaterThan(0);
        expect(lost.length).toBeGreaterThan(0);
        expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => i));
        expect(new Set(stored.slice(1).map((e) => e.eventId))).toEqual(new Set(won));
      }, 60_000);

      test('16 writers that retry on conflict all succeed', async () => {
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => fixture.openStore())))];
        const streamId = stream('board');
        await Promise.all(
          Array.from({ length: 16 }, async (_, w) => {
            const writer = stores[w % stores.length];
            for (let n = 0; n < 5; n++) {
              for (;;) {
                const current = await writer!.readStream(streamId);
                const expected = current.length === 0 ? 'no-stream' : current.at(-1)!.revision;
                try {
                  await writer!.append(streamId, [event('DecisionRecorded', { w, n })], opts(expected));
                  break;
                } catch (error) {
                  if (!(error instanceof ConcurrencyError)) throw error;
                }
              }
            }
          }),
        );
        const stored = await store.readStream(streamId);
        expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 80 }, (_, i) => i));
        for (let w = 0; w < 16; w++) {
          expect(
            stored.filter((e) => (e.data as { w: number }).w === w).map((e) => (e.data as { n: number }).n),
          ).toEqual([0, 1, 2, 3, 4]);
        }
      }, 60_000);

      test('8 writers × 200 appends over 20 streams: a live subscriber receives every event once, in position order', async () => {
        const head = await store.headPosition();
        const subscriberStore = await fixture.openStore();
        const received: StoredEvent[] = [];
        const subscription = subscriberStore.subscribe((events) => Promise.resolve(void received.push(...events)), {
          after: head,
          batchSize: 100,
        });
        const streams = Array.from({ length: 20 }, () => stream('board'));
        const writers = await Promise.all(Array.from({ length: 8 }, () => fixture.openStore()));
        let total = 0;
        await Promise.all(
          writers.map(async (writer, w) => {
            const known = new Map<string, number>();
            for (let n = 0; n < 200; n++) {
              const streamId = streams[(w * 7 + n * 3) % streams.length];
              const count = 1 + (n % 3);
              for (;;) {
                const expected = known.has(streamId!) ? known.get(streamId!)! : 'no-stream';
                try {
                  const result = await writer.append(
                    streamId!,
                    Array.from({ length: count }, () => event('DecisionRecorded', { w, n })),
                    opts(expected),
                  );
                  known.set(streamId!, result.nextExpectedRevision);
                  total += count;
                  break;
                } catch (error) {
                  if (!(error instanceof ConcurrencyError)) throw error;
                  known.set(streamId!, error.actual);
                }
              }
            }
          }),
        );
        await eventually(() => received.length >= total, 60_000);
        await subscription.stop();

        expect(received).toHaveLength(total);
        expect(new Set(received.map((e) => e.eventId)).size).toBe(total);
        for (let i = 1; i < received.length; i++)
          expect(store.comparePositions(received[i - 1]!.position, received[i]!.position)).toBe(-1);
        expect(received).toEqual(await readAllAfter(head));
        for (const s of streams) {
          const revisions = received.filter((e) => e.streamId === s).map((e) => e.revision);
          expect(revisions).toEqual(revisions.map((_, i) => i));
        }
      }, 120_000);
    });
  });
}
