import type { Migration } from '../migrations.js';
import type { SqlExecutor } from '../sql-database.port.js';

/**
 * The bookkeeping of every log processor (docs/architecture.md, "The log processor"): one row per
 * processor in `processor_checkpoints`, its poison events in `processor_parked`. A position is stored
 * as its `positionKey` in a `text COLLATE "C"` column whatever the event store, so byte order is log
 * order and a new position form needs no migration.
 */
export const PROCESSOR_MIGRATIONS: readonly Migration[] = [
  {
    id: 'processing/0001-processor-checkpoints',
    // Data step `carryOldCheckpoints` (below) moves the four checkpoint tables of release 0.1.0 in.
    sql: `
CREATE TABLE IF NOT EXISTS processor_checkpoints (
  name text PRIMARY KEY,
  -- 'projection', 'reactor' or 'relay': who reads the row (a projection's status, the relay metrics).
  kind text NOT NULL,
  -- Last event dealt with (applied, passed over, parked or published); null: nothing yet.
  position text COLLATE "C",
  version integer NOT NULL DEFAULT 1,
  -- 'running', or 'rebuilding' while a projection rebuild holds the claim (kept alive by rebuild_heartbeat_at).
  status text NOT NULL DEFAULT 'running',
  updated_at timestamptz NOT NULL DEFAULT now(),
  rebuild_heartbeat_at timestamptz,
  last_error text,
  last_error_at timestamptz
);
CREATE TABLE IF NOT EXISTS processor_parked (
  name text NOT NULL,
  position text COLLATE "C" NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  stream_id text NOT NULL,
  error text NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, position)
);`,
    run: carryOldCheckpoints,
  },
];

/** The position column as a key: a bigint from before position keys is padded as `positionKey` pads it. */
async function positionKeyExpression(tx: SqlExecutor, table: string): Promise<string> {
  const { rows } = await tx.query<{ data_type: string }>(
    `SELECT data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'position'`,
    [table],
  );
  return rows[0]?.data_type === 'bigint' ? "lpad(position::text, 20, '0')" : 'position::text';
}

async function exists(tx: SqlExecutor, table: string): Promise<boolean> {
  const { rows } = await tx.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
  return rows[0]?.found === true;
}

/**
 * Copies each processor's checkpoint, exactly as it stood, from the tables of release 0.1.0 and drops
 * them, in the migration's transaction: a processor resumes after the very event it had dealt with, so
 * nothing is applied, evaluated or published twice, and no old table is left for a reader to trust.
 * Names share one key: two old rows of the same name fail the migration rather than lose one.
 */
async function carryOldCheckpoints(tx: SqlExecutor): Promise<void> {
  if (await exists(tx, 'projection_checkpoints')) {
    const key = await positionKeyExpression(tx, 'projection_checkpoints');
    await tx.query(
      `INSERT INTO processor_checkpoints
         (name, kind, position, version, status, updated_at, rebuild_heartbeat_at, last_error, last_error_at)
       SELECT name, 'projection', ${key}, version, status, updated_at, rebuild_heartbeat_at, last_error, last_error_at
         FROM projection_checkpoints`,
    );
    await tx.query('DROP TABLE projection_checkpoints');
  }
  if (await exists(tx, 'projection_parked')) {
    const key = await positionKeyExpression(tx, 'projection_parked');
    await tx.query(
      `INSERT INTO processor_parked (name, position, event_id, type, stream_id, error, parked_at)
       SELECT name, ${key}, event_id, type, stream_id, error, parked_at FROM projection_parked`,
    );
    await tx.query('DROP TABLE projection_parked');
  }
  if (await exists(tx, 'compliance_checkpoints')) {
    const key = await positionKeyExpression(tx, 'compliance_checkpoints');
    await tx.query(
      `INSERT INTO processor_checkpoints (name, kind, position, updated_at, last_error, last_error_at)
       SELECT name, 'reactor', ${key}, updated_at, last_error, last_error_at FROM compliance_checkpoints`,
    );
    await tx.query('DROP TABLE compliance_checkpoints');
  }
  if (await exists(tx, 'relay_checkpoints')) {
    const key = await positionKeyExpression(tx, 'relay_checkpoints');
    await tx.query(
      `INSERT INTO processor_checkpoints (name, kind, position, updated_at)
       SELECT name, 'relay', ${key}, updated_at FROM relay_checkpoints`,
    );
    await tx.query('DROP TABLE relay_checkpoints');
  }
}
