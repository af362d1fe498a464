import { createHash } from 'node:crypto';
import { backfillEventHashes } from './integrity/backfill-hashes.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.port.js';

/**
 * One versioned schema step. Ids are global across libs, so prefix them with the lib
 * (`event-store/0001-events`, `projections/0001-agreements`). Never edit a migration that has
 * shipped: its checksum is recorded and a changed script stops the service at start.
 */
export interface Migration {
  id: string;
  sql: string;
  /**
   * A data step that SQL cannot express, run after `sql` in the same transaction. Only `sql`
   * is checksummed: name the step in a comment of `sql`, and never change what a shipped one does.
   */
  run?: (tx: SqlExecutor) => Promise<unknown>;
}

/** Advisory lock key held while migrating; distinct from the append lock. */
export const MIGRATION_LOCK_KEY = 4_711_020_001;

export const eventStoreMigrations: readonly Migration[] = [
  {
    id: 'event-store/0001-events',
    // CACHE 1 (the default) is required: with a per-session cache, sessions would draw positions
    // from interleaved ranges and a commit could expose a position lower than one already read.
    // The per-event hash columns for tamper evidence came later, in 0002.
    sql: `
      CREATE TABLE events (
        position bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        revision integer NOT NULL CHECK (revision >= 0),
        type text NOT NULL,
        schema_version integer NOT NULL CHECK (schema_version >= 1),
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor text NOT NULL,
        correlation_id text NOT NULL,
        causation_id text,
        data jsonb NOT NULL,
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision)
      );
      CREATE INDEX events_recorded_at_idx ON events (recorded_at, position);

      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        stream_id text NOT NULL,
        next_expected_revision integer NOT NULL,
        first_position bigint,
        last_position bigint,
        created_at timestamptz NOT NULL
      );
    `,
  },
  {
    id: 'event-store/0002-event-hashes',
    // Tamper evidence (integrity/event-hash.ts): each event's SHA-256 over its envelope and the
    // previous event's hash. Nullable: a row written around the store has none, and verify names it.
    sql: `
      ALTER TABLE events ADD COLUMN hash text, ADD COLUMN prev_hash text;
      -- then backfillEventHashes (integrity/backfill-hashes.ts) chains the rows already stored
    `,
    run: backfillEventHashes,
  },
];

// Whitespace does not count, so re-indenting a shipped script is not a change.
const checksum = (sql: string): string => createHash('sha256').update(sql.replace(/\s+/g, ' ').trim()).digest('hex');

export class MigrationChangedError extends Error {
  constructor(readonly id: string) {
    super(
      `Migration ${id} was already applied with a different script. Add a new migration instead of editing a shipped one.`,
    );
    this.name = 'MigrationChangedError';
  }
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in the given order, in one
 * transaction under an advisory lock: running it twice, or from two processes at once, applies
 * each step once. Returns the ids applied now.
 */
export async function runMigrations(db: SqlDatabase, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const { id } of migrations) {
    if (ids.has(id)) throw new Error(`Migration id ${id} appears twice.`);
    ids.add(id);
  }
  return db.transaction(async (tx) => {
    // The lock comes first, in its own statement: the statements after it see what the previous
    // holder committed (READ COMMITTED takes a new snapshot per statement).
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        id text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await tx.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migrations');
    const applied = new Map(rows.map((r) => [r.id, r.checksum]));
    const appliedNow: string[] = [];
    for (const migration of migrations) {
      const sum = checksum(migration.sql);
      const previous = applied.get(migration.id);
      if (previous !== undefined) {
        if (previous !== sum) throw new MigrationChangedError(migration.id);
        continue;
      }
      await tx.query(migration.sql);
      await migration.run?.(tx);
      await tx.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [migration.id, sum]);
      appliedNow.push(migration.id);
    }
    return appliedNow;
  });
}

export function migrateEventStore(db: SqlDatabase): Promise<string[]> {
  return runMigrations(db, eventStoreMigrations);
}
