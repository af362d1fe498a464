import {
  positionFromKey,
  positionKey,
  runMigrations,
  type Position,
  type SqlDatabase,
  type SqlExecutor,
  type StoredEvent,
} from '#event-store';
import { lockProjectionSchema, projectionLockKeys } from './projection-locks.js';
import { liveTable, tableMapper, type SqlProjection } from './sql-projection.js';

/**
 * Bookkeeping of the projections, in the same database as their rows so that a batch writes rows
 * and checkpoint in one transaction. A position is stored as its `positionKey` in a
 * `text COLLATE "C"` column, whatever the event store (SQL decimals, KurrentDB commit/prepare
 * pairs): byte order is log order, so `<` and ORDER BY in SQL follow the log. It is read back
 * through `positionFromKey`, so the runner hands the store its own position form.
 */
/** Channel the runner NOTIFYs after each committed checkpoint, so waiting queries in any process wake at once. */
export const CHECKPOINT_CHANNEL = 'projection_checkpoint';

export const PROJECTION_MIGRATIONS = [
  {
    id: 'projections-001-checkpoints',
    sql: `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name text PRIMARY KEY,
  -- Last event applied or passed over; null: nothing yet.
  position bigint,
  version integer NOT NULL,
  -- 'running', or 'rebuilding' while a rebuild holds the claim (kept alive by rebuild_heartbeat_at).
  status text NOT NULL DEFAULT 'running',
  updated_at timestamptz NOT NULL DEFAULT now(),
  rebuild_heartbeat_at timestamptz,
  last_error text,
  last_error_at timestamptz
);
CREATE TABLE IF NOT EXISTS projection_parked (
  name text NOT NULL,
  position bigint NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  stream_id text NOT NULL,
  error text NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, position)
);`,
  },
  {
    id: 'projections-002-position-keys',
    // Positions were decimal bigints (the SQL store's); a key is the decimal left-padded to 20
    // digits, as positionKey (libs/event-store/src/event-store.port.ts) writes it.
    sql: `
ALTER TABLE projection_checkpoints ALTER COLUMN position TYPE text COLLATE "C" USING lpad(position::text, 20, '0');
ALTER TABLE projection_parked ALTER COLUMN position TYPE text COLLATE "C" USING lpad(position::text, 20, '0');`,
  },
] as const;

export interface Checkpoint {
  name: string;
  position: Position | null;
  version: number;
  status: 'running' | 'rebuilding';
  updatedAt: string;
  rebuildHeartbeatAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

interface CheckpointRow {
  name: string;
  position: string | null;
  version: number;
  status: string;
  updated_at: string;
  rebuild_heartbeat_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

const CHECKPOINT_COLUMNS = `name, position, version, status,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at,
  to_char(rebuild_heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS rebuild_heartbeat_at,
  last_error,
  to_char(last_error_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_error_at`;

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  name: row.name,
  position: row.position === null ? null : positionFromKey(row.position),
  version: Number(row.version),
  status: row.status === 'rebuilding' ? 'rebuilding' : 'running',
  updatedAt: row.updated_at,
  rebuildHeartbeatAt: row.rebuild_heartbeat_at,
  lastError: row.last_error,
  lastErrorAt: row.last_error_at,
});

/** Splits a schema script into statements (the extended protocol takes one at a time). */
export const splitStatements = (script: string): string[] =>
  script
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '' && !/^(--[^\n]*\n?\s*)*$/.test(statement));

/** Runs a projection's `schema` for a table mapping (live or rebuild tables). */
export async function createProjectionTables(
  tx: SqlExecutor,
  projection: SqlProjection,
  map: (table: string) => string,
): Promise<void> {
  for (const statement of splitStatements(projection.schema(tableMapper(projection, map)))) {
    await tx.query(statement);
  }
}

/** The bookkeeping tables and the live tables of every projection; safe to run from several instances at once. */
export async function ensureProjectionSchema(db: SqlDatabase, projections: readonly SqlProjection[]): Promise<void> {
  await runMigrations(db, [...PROJECTION_MIGRATIONS]);
  await db.transaction(async (tx) => {
    await lockProjectionSchema(tx);
    for (const projection of projections) await createProjectionTables(tx, projection, liveTable);
  });
}

export async function readCheckpoint(db: SqlExecutor, name: string): Promise<Checkpoint | null> {
  const { rows } = await db.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM projection_checkpoints WHERE name = $1`,
    [name],
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

export async function readCheckpoints(db: SqlExecutor): Promise<Checkpoint[]> {
  const { rows } = await db.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM projection_checkpoints ORDER BY name`,
  );
  return rows.map(toCheckpoint);
}

/** Creates the checkpoint of a projection seen for the first time (nothing applied yet); returns it either way. */
export async function ensureCheckpoint(db: SqlExecutor, projection: SqlProjection): Promise<Checkpoint> {
  await db.query(
    'INSERT INTO projection_checkpoints (name, position, version) VALUES ($1, NULL, $2) ON CONFLICT (name) DO NOTHING',
    [projection.name, projection.version],
  );
  return (await readCheckpoint(db, projection.name)) as Checkpoint;
}

/**
 * Locks the checkpoint row for the rest of the transaction and returns it. A second runner of the
 * same projection waits here and then sees the first one's committed position, so it can skip what
 * was applied: this alone keeps an event from being applied twice, with or without the advisory lock.
 */
export async function lockCheckpoint(
  tx: SqlExecutor,
  name: string,
): Promise<{ position: Position | null; version: number }> {
  const { rows } = await tx.query<{ position: string | null; version: number }>(
    'SELECT position, version FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
    [name],
  );
  if (!rows[0]) throw new Error(`Projection ${name} has no checkpoint row.`);
  const { position, version } = rows[0];
  return { position: position === null ? null : positionFromKey(position), version: Number(version) };
}

export async function writeCheckpoint(tx: SqlExecutor, name: string, position: Position): Promise<void> {
  await tx.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [
    name,
    positionKey(position),
  ]);
}

/**
 * Moves the checkpoint of a batch the projection handles none of, in one statement (autocommit):
 * only forward, only at this code's version, and (with `advisoryLock`) only while no other instance
 * holds the projection's lock. NOTIFYs the checkpoint channel at commit. False when it did not move
 * (the caller then takes the full path, which tells standby, version change and "already there" apart).
 */
export async function moveCheckpointAlone(
  db: SqlExecutor,
  projection: SqlProjection,
  position: Position,
  advisoryLock: boolean,
): Promise<boolean> {
  const { rows } = await db.query<{ moved: number }>(
    `WITH moved AS (
       UPDATE projection_checkpoints SET position = $2, updated_at = now()
        WHERE name = $1 AND version = $3 AND (position IS NULL OR position < $2)
          AND ($4::boolean IS FALSE OR pg_try_advisory_xact_lock($5::int, $6::int))
        RETURNING name)
     SELECT count(*)::int AS moved, (SELECT pg_notify('${CHECKPOINT_CHANNEL}', $1) FROM moved) AS notified FROM moved`,
    [projection.name, positionKey(position), projection.version, advisoryLock, ...projectionLockKeys(projection.name)],
  );
  return Number(rows[0]?.moved ?? 0) === 1;
}

export async function recordError(db: SqlExecutor, name: string, message: string): Promise<void> {
  await db.query('UPDATE projection_checkpoints SET last_error = $2, last_error_at = now() WHERE name = $1', [
    name,
    message,
  ]);
}

export interface ParkedEvent {
  position: Position;
  eventId: string;
  type: string;
  streamId: string;
  error: string;
}

export const parkedEventOf = (event: StoredEvent, error: unknown): ParkedEvent => ({
  position: event.position,
  eventId: event.eventId,
  type: event.type,
  streamId: event.streamId,
  error: describeError(error),
});

export async function insertParked(tx: SqlExecutor, name: string, parked: ParkedEvent): Promise<void> {
  await tx.query(
    `INSERT INTO projection_parked (name, position, event_id, type, stream_id, error)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name, position) DO NOTHING`,
    [name, positionKey(parked.position), parked.eventId, parked.type, parked.streamId, parked.error],
  );
  await tx.query('UPDATE projection_checkpoints SET last_error = $2, last_error_at = now() WHERE name = $1', [
    name,
    `event ${parked.eventId} (${parked.type} at position ${parked.position}) parked: ${parked.error}`,
  ]);
}

export interface ParkedEventRow extends ParkedEvent {
  name: string;
  parkedAt: string;
}

export async function listParked(db: SqlExecutor, name?: string): Promise<ParkedEventRow[]> {
  const { rows } = await db.query<{
    name: string;
    position: string;
    event_id: string;
    type: string;
    stream_id: string;
    error: string;
    parked_at: string;
  }>(
    `SELECT name, position, event_id, type, stream_id, error,
            to_char(parked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS parked_at
       FROM projection_parked WHERE $1::text IS NULL OR name = $1 ORDER BY name, position`,
    [name ?? null],
  );
  return rows.map((row) => ({
    name: row.name,
    position: positionFromKey(row.position),
    eventId: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    error: row.error,
    parkedAt: row.parked_at,
  }));
}

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** SQLSTATE classes that say nothing about the event: connection, rollback (serialisation, deadlock), resources, operator, system. */
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)/;

/**
 * True when a failure is the database's, not the event's: the batch is retried from the
 * checkpoint later instead of the event being parked (a database restart must not park events).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE.test(code);
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNRESET, ECONNREFUSED, EPIPE, ...
  return (
    error instanceof Error &&
    /connection terminated|connection ended|not queryable|is closed|timeout exceeded when trying to connect/i.test(
      error.message,
    )
  );
}
