/**
 * The test store that shows SQL positions in KurrentDB's commit/prepare form (used to prove the
 * read side takes such positions) keeps the whole EventStore contract itself.
 */
import { SqlEventStore, migrateEventStore, type EventStore } from '#event-store';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { postgresDriver } from '../support/db.js';
import { eventStoreContract } from './contract.js';

eventStoreContract(
  'SQL adapter behind commit/prepare positions, on PostgreSQL',
  async () => {
    const database = await postgresDriver.create();
    await migrateEventStore(database.db);
    const stores: EventStore[] = [];
    return {
      async openStore() {
        const store = new CommitPreparePositionStore(new SqlEventStore(await database.connect()));
        stores.push(store);
        return store;
      },
      async dispose() {
        await Promise.all(stores.map((s) => s.close()));
        await database.dispose();
      },
    };
  },
  postgresDriver.describe,
);
