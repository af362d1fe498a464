import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { ConcurrencyError, SqlEventStore, createEventStore, migrateEventStore, type EventStore } from '#event-store';
import { pgliteDriver } from '../support/db.js';
import { eventStoreContract } from './contract.js';
import { ObservedDatabase, sqlAdapterSuite } from './sql-adapter.js';

eventStoreContract('SQL adapter on PGlite', async () => {
  const database = await pgliteDriver.create();
  await migrateEventStore(database.db);
  const stores: EventStore[] = [];
  return {
    async openStore() {
      // One PGlite connection; separate store instances still have separate append queues.
      const store = new SqlEventStore(await database.connect());
      stores.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      await database.dispose();
    },
  };
});

sqlAdapterSuite(pgliteDriver);

describe('group commit on PGlite', () => {
  test('appends of callers that start in separate turns of the event loop, as HTTP requests do, share a batch; a refused one fails alone', async () => {
    const database = await pgliteDriver.create();
    await migrateEventStore(database.db);
    const observed = new ObservedDatabase(database.db);
    const store = new SqlEventStore(observed);
    try {
      const taken = `board-${randomUUID()}`;
      await store.append(taken, [{ type: 'BoardConstituted', occurredAt: '2015-04-01', data: {} }], {
        expectedRevision: 'no-stream',
        actor: 'clerk',
      });
      const before = observed.appendBatches;
      // Each caller is its own macrotask (a request from its socket), reads a stream, then appends; PGlite
      // answers in this thread without I/O, so without waiting a turn each append would commit alone.
      const callers = Array.from({ length: 20 }, (_, i) =>
        new Promise<void>((resolve) => setImmediate(resolve))
          .then(() => store.readStream(taken))
          .then(() =>
            store.append(
              i === 7 ? taken : `board-${randomUUID()}`,
              [{ type: 'BoardMeetingHeld', occurredAt: '2016-03-03', data: { i } }],
              {
                expectedRevision: 'no-stream',
                actor: 'clerk',
              },
            ),
          ),
      );
      const outcomes = await Promise.allSettled(callers);
      expect(outcomes.map((o) => o.status)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i === 7 ? 'rejected' : 'fulfilled')),
      );
      expect((outcomes[7] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      expect(observed.appendBatches - before).toBeLessThanOrEqual(2);
    } finally {
      await store.close();
      await database.dispose();
    }
  });
});

describe('PGlite on disk', () => {
  test('events survive closing and reopening the data directory', async () => {
    const database = await pgliteDriver.create({ onDisk: true });
    await database.db.close();
    try {
      const streamId = `agreement-${randomUUID()}`;
      const first = await createEventStore({ dataDir: database.dataDir });
      const appended = await first.store.append(
        streamId,
        [{ type: 'AgreementDrafted', occurredAt: '2015-04-01', data: { title: 'Bi-lateral' } }],
        { expectedRevision: 'no-stream', actor: 'officer', idempotency: { key: 'k1', fingerprint: 'f' } },
      );
      const before = await first.store.readStream(streamId);
      await first.close();

      const second = await createEventStore({ dataDir: database.dataDir });
      await expect(second.store.readStream(streamId)).resolves.toEqual(before);
      await expect(second.store.headPosition()).resolves.toBe(appended.lastPosition);
      await expect(second.store.findIdempotentResult('k1')).resolves.toMatchObject({
        lastPosition: appended.lastPosition,
      });
      const next = await second.store.append(
        streamId,
        [{ type: 'AgreementSigned', occurredAt: '2015-04-02', data: {} }],
        { expectedRevision: 0, actor: 'officer' },
      );
      expect(second.store.comparePositions(next.lastPosition!, appended.lastPosition!)).toBe(1);
      await second.close();
    } finally {
      await database.dispose();
    }
  }, 60_000);
});
