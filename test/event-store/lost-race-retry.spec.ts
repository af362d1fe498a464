import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  ConcurrencyError,
  SqlEventStore,
  WriteContentionError,
  fullJitterDelay,
  migrateEventStore,
  retryLostRaces,
  type LostRaceRetryPolicy,
} from '#event-store';
import { pgliteDriver, type TestDatabase } from '../support/db.js';

const POLICY: LostRaceRetryPolicy = { maxAttempts: 3, maxElapsedMs: 60_000, baseDelayMs: 1, maxDelayMs: 4 };
const event = { type: 'BoardMeetingHeld', occurredAt: '2016-03-03', data: {} };

describe('retrying lost races', () => {
  let database: TestDatabase;
  let store: SqlEventStore;

  beforeAll(async () => {
    database = await pgliteDriver.create();
    await migrateEventStore(database.db);
    store = new SqlEventStore(database.db);
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  test('a write that keeps losing gives up at the bound with write-contention, never with the conflict of its own last try', async () => {
    const streamId = `board-${randomUUID()}`;
    await store.append(streamId, [event], { expectedRevision: 'no-stream', actor: 'clerk' });
    let attempts = 0;
    // `no-stream` on a stream that exists: every attempt loses, as to a writer that always wins.
    const losing = () => {
      attempts++;
      return store.append(streamId, [event], { expectedRevision: 'no-stream', actor: 'clerk' });
    };
    const error = await retryLostRaces(streamId, losing, POLICY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteContentionError);
    expect(error).toMatchObject({ code: 'write-contention', streamId, attempts: 3 });
    expect((error as Error).cause).toBeInstanceOf(ConcurrencyError);
    expect(attempts).toBe(3);
    await expect(store.readStream(streamId)).resolves.toHaveLength(1);
  });

  test('a write that loses and then wins is written once, on the revision it read last', async () => {
    const streamId = `board-${randomUUID()}`;
    await store.append(streamId, [event], { expectedRevision: 'no-stream', actor: 'clerk' });
    let attempts = 0;
    const result = await retryLostRaces(
      streamId,
      async () => {
        attempts++;
        const head = (await store.readStream(streamId)).length - 1;
        // The first try loses to a writer that slips in between its read and its append.
        if (attempts === 1) await store.append(streamId, [event], { expectedRevision: head, actor: 'other' });
        return store.append(streamId, [event], { expectedRevision: head, actor: 'clerk' });
      },
      POLICY,
    );
    expect(attempts).toBe(2);
    expect(result.nextExpectedRevision).toBe(2);
    expect((await store.readStream(streamId)).map((e) => e.actor)).toEqual(['clerk', 'other', 'clerk']);
  });

  test('any other failure is not retried', async () => {
    let attempts = 0;
    const refused = retryLostRaces('board-x', async () => {
      attempts++;
      return store.append('', [event], { expectedRevision: 'any', actor: 'clerk' });
    });
    await expect(refused).rejects.toMatchObject({ code: 'invalid-append' });
    expect(attempts).toBe(1);
  });

  test('the wait after the n-th lost race is drawn from [0, min(cap, base·2^(n−1)))', () => {
    const policy = { ...POLICY, baseDelayMs: 2, maxDelayMs: 250 };
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9, 40].map((n) => fullJitterDelay(n, policy, () => 0.9999999));
    expect(ceilings).toEqual([1, 3, 7, 15, 31, 63, 127, 249, 249, 249]);
    expect(fullJitterDelay(5, policy, () => 0)).toBe(0);
  });
});
