import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { SqlEventStore, createEventStore, migrateEventStore, type EventStore } from '#event-store';
import { pgliteDriver } from '../support/db.js';
import { eventStoreContract } from './contract.js';
import { sqlAdapterSuite } from './sql-adapter.js';

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
