import { expect, test } from '@jest/globals';
import pg from 'pg';
import { PgDatabase, SqlEventStore, createEventStore, migrateEventStore, type EventStore } from '#event-store';
import { postgresDriver } from '../support/db.js';
import { eventStoreContract } from './contract.js';
import { sqlAdapterSuite, waitFor } from './sql-adapter.js';

eventStoreContract(
  'SQL adapter on PostgreSQL',
  async () => {
    const database = await postgresDriver.create();
    await migrateEventStore(database.db);
    const stores: EventStore[] = [];
    return {
      async openStore() {
        // A separate pool per store: as many processes writing to one database.
        const store = new SqlEventStore(await database.connect());
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

sqlAdapterSuite(postgresDriver);

postgresDriver.describe('PostgreSQL driver', () => {
  test('the listener reconnects after its connection is killed and says it may have missed something', async () => {
    const database = await postgresDriver.create();
    try {
      const db = database.db as PgDatabase;
      const payloads: string[] = [];
      await db.listen('reconnect_probe', (p) => payloads.push(p));
      const admin = new pg.Client({ connectionString: database.url! });
      await admin.connect();
      try {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '%-listener'`,
        );
        await waitFor(() => payloads.includes(''), 15_000);
        await admin.query(`SELECT pg_notify('reconnect_probe', 'back')`);
        await waitFor(() => payloads.includes('back'));
      } finally {
        await admin.end();
      }
    } finally {
      await database.dispose();
    }
  }, 30_000);

  test('createEventStore with a database URL migrates and appends', async () => {
    const database = await postgresDriver.create();
    try {
      const { store, db, close } = await createEventStore({ databaseUrl: database.url });
      expect(db.kind).toBe('postgres');
      await expect(
        store.append('agreement-x', [{ type: 'AgreementDrafted', occurredAt: '2015-04-01', data: {} }], {
          expectedRevision: 'no-stream',
          actor: 'officer',
        }),
      ).resolves.toMatchObject({ nextExpectedRevision: 0 });
      await close();
    } finally {
      await database.dispose();
    }
  });
});
