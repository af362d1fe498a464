import { randomBytes } from 'node:crypto';
import type { EventStore } from './event-store.port.js';
import { KurrentDbEventStore } from './kurrentdb/index.js';
import { migrateEventStore } from './migrations.js';
import { PersonKeys } from './personal-data/person-keys.js';
import { PersonalDataEventStore } from './personal-data/personal-data-event-store.js';
import { PgDatabase } from './pg-database.js';
import { PgliteDatabase } from './pglite-database.js';
import type { SqlDatabase } from './sql-database.port.js';
import { SqlEventStore, type SqlEventStoreOptions } from './sql-event-store.adapter.js';

export interface CreateEventStoreOptions extends SqlEventStoreOptions {
  /** PostgreSQL server (the configuration's DATABASE_URL). Absent: embedded PGlite. */
  databaseUrl?: string | null;
  /** PGlite data directory, created when missing. Absent (and no databaseUrl): in memory. */
  dataDir?: string | null;
  /**
   * Where the events live (EVENT_STORE): `sql`, the database above (default), or `kurrentdb`.
   * The read models and their checkpoints stay in the database above either way.
   */
  eventStore?: 'sql' | 'kurrentdb';
  /** KurrentDB connection string (KURRENTDB_URL); required when eventStore is `kurrentdb`. */
  kurrentDbUrl?: string | null;
  /**
   * The secret person keys are looked up by (PERSONAL_DATA_SECRET, or the file generated in DATA_DIR;
   * docs/security.md, "Personal data"). Every process that writes or erases names passes the configured
   * one. Absent: a random secret for this process only, which still encrypts and reads every
   * personal field but makes a name recorded here unfindable for erasure from another process (tests).
   */
  personalDataSecret?: Uint8Array | null;
}

export interface EventStoreHandle {
  /** Shared with the read models, so a projection writes rows and checkpoint in one transaction. */
  db: SqlDatabase;
  store: EventStore;
  /** The keys of the persons named in the log (find, erase); `store` seals and opens with them. */
  personKeys: PersonKeys;
  /** Closes the store, then the database (a function: callers destructure it). */
  close: () => Promise<void>;
}

/** Opens the database the configuration names, applies the event store's migrations and returns the store. */
export async function createEventStore(options: CreateEventStoreOptions = {}): Promise<EventStoreHandle> {
  const { databaseUrl, dataDir, eventStore = 'sql', kurrentDbUrl, personalDataSecret, ...storeOptions } = options;
  if (eventStore === 'kurrentdb' && !kurrentDbUrl) throw new Error('EVENT_STORE=kurrentdb needs KURRENTDB_URL.');
  const db: SqlDatabase = databaseUrl
    ? new PgDatabase({ connectionString: databaseUrl })
    : await PgliteDatabase.open({ dataDir });
  try {
    await migrateEventStore(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  const adapter: EventStore =
    eventStore === 'kurrentdb'
      ? KurrentDbEventStore.connect(kurrentDbUrl!, {
          clock: storeOptions.clock,
          pollIntervalMs: storeOptions.pollIntervalMs,
        })
      : new SqlEventStore(db, storeOptions);
  const personKeys = new PersonKeys(db, Buffer.from(personalDataSecret ?? randomBytes(32)));
  // The one place personal fields are sealed and opened: every reader of the store sees names, the table only envelopes.
  const store = new PersonalDataEventStore(adapter, personKeys);
  return {
    db,
    store,
    personKeys,
    close: async () => {
      await store.close();
      await db.close();
    },
  };
}
