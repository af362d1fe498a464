import { positionFromKey, positionKey, type EventStore, type Position, type StoredEvent } from '../event-store.port.js';
import { runMigrations } from '../migrations.js';
import type { SqlDatabase, SqlExecutor } from '../sql-database.port.js';
import { describeError } from './retry-policy.js';
import { PROCESSOR_MIGRATIONS } from './processor-migrations.js';

/** Who reads a checkpoint row: a projection (read model), a reactor (compliance trigger) or a relay (Kafka). */
export type ProcessorKind = 'projection' | 'reactor' | 'relay';

/** Creates (or carries over into) the one checkpoint table and the one parked table. Safe from several instances at once. */
export function migrateProcessors(db: SqlDatabase): Promise<string[]> {
  return runMigrations(db, PROCESSOR_MIGRATIONS);
}

export interface ProcessorCheckpoint {
  name: string;
  kind: ProcessorKind;
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
  kind: string;
  position: string | null;
  version: number;
  status: string;
  updated_at: string;
  rebuild_heartbeat_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

const iso = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

const CHECKPOINT_COLUMNS = `name, kind, position, version, status, ${iso('updated_at')},
  ${iso('rebuild_heartbeat_at')}, last_error, ${iso('last_error_at')}`;

const toCheckpoint = (row: CheckpointRow): ProcessorCheckpoint => ({
  name: row.name,
  kind: row.kind as ProcessorKind,
  position: row.position === null ? null : positionFromKey(row.position),
  version: Number(row.version),
  status: row.status === 'rebuilding' ? 'rebuilding' : 'running',
  updatedAt: row.updated_at,
  rebuildHeartbeatAt: row.rebuild_heartbeat_at,
  lastError: row.last_error,
  lastErrorAt: row.last_error_at,
});

export async function readCheckpoint(db: SqlExecutor, name: string): Promise<ProcessorCheckpoint | null> {
  const { rows } = await db.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM processor_checkpoints WHERE name = $1`,
    [name],
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

/** Every checkpoint of one kind, by name. */
export async function readCheckpoints(db: SqlExecutor, kind: ProcessorKind): Promise<ProcessorCheckpoint[]> {
  const { rows } = await db.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM processor_checkpoints WHERE kind = $1 ORDER BY name`,
    [kind],
  );
  return rows.map(toCheckpoint);
}

/** Creates the checkpoint of a processor seen for the first time (nothing dealt with yet); returns it either way. */
export async function ensureCheckpoint(
  db: SqlExecutor,
  processor: { name: string; kind: ProcessorKind; version?: number },
): Promise<ProcessorCheckpoint> {
  await db.query(
    `INSERT INTO processor_checkpoints (name, kind, position, version) VALUES ($1, $2, NULL, $3)
     ON CONFLICT (name) DO NOTHING`,
    [processor.name, processor.kind, processor.version ?? 1],
  );
  const checkpoint = await readCheckpoint(db, processor.name);
  if (!checkpoint) throw new Error(`The checkpoint of ${processor.name} was not recorded.`);
  if (checkpoint.kind !== processor.kind) {
    throw new Error(
      `Processor name ${processor.name} is taken by a ${checkpoint.kind}; give the ${processor.kind} another.`,
    );
  }
  return checkpoint;
}

/**
 * Locks the checkpoint row for the rest of the transaction and returns it. A second instance of the
 * same processor waits here and then sees the first one's committed position, so it can skip what
 * was dealt with: this alone keeps an event from being applied twice, with or without an advisory lock.
 */
export async function lockCheckpoint(
  tx: SqlExecutor,
  name: string,
): Promise<{ position: Position | null; version: number }> {
  const { rows } = await tx.query<{ position: string | null; version: number }>(
    'SELECT position, version FROM processor_checkpoints WHERE name = $1 FOR UPDATE',
    [name],
  );
  if (!rows[0]) throw new Error(`Processor ${name} has no checkpoint row.`);
  const { position, version } = rows[0];
  return { position: position === null ? null : positionFromKey(position), version: Number(version) };
}

/** Sets the checkpoint (inside the transaction that locked it, so no other instance moved it meanwhile). */
export async function writeCheckpoint(tx: SqlExecutor, name: string, position: Position): Promise<void> {
  await tx.query('UPDATE processor_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [
    name,
    positionKey(position),
  ]);
}

export interface AdvanceOptions {
  /** Recorded as the processor's last error (kept until the next one); null leaves the last one. */
  error?: string | null;
  /**
   * Commit without waiting for the WAL flush (this statement's transaction only). Only for a processor
   * whose lost checkpoint merely repeats work that is safe to repeat (the relay republishes at least once).
   */
  asynchronousCommit?: boolean;
}

/**
 * Moves the checkpoint forward, never back, creating the row when missing: an instance that lags
 * behind (during a deployment, say) cannot rewind it and make the processor deal with events again.
 */
export async function advanceCheckpoint(
  db: SqlExecutor,
  processor: { name: string; kind: ProcessorKind },
  position: Position,
  options: AdvanceOptions = {},
): Promise<void> {
  await db.query(
    `INSERT INTO processor_checkpoints (name, kind, position, last_error, last_error_at)
     SELECT $1, $2, $3, $4::text, CASE WHEN $4::text IS NULL THEN NULL ELSE now() END
      WHERE $5::boolean IS FALSE OR set_config('synchronous_commit', 'off', true) IS NOT NULL
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now(),
       last_error = COALESCE(EXCLUDED.last_error, processor_checkpoints.last_error),
       last_error_at = COALESCE(EXCLUDED.last_error_at, processor_checkpoints.last_error_at)
     WHERE processor_checkpoints.position IS NULL OR processor_checkpoints.position < EXCLUDED.position`,
    [processor.name, processor.kind, positionKey(position), options.error ?? null, options.asynchronousCommit === true],
  );
}

export async function recordError(db: SqlExecutor, name: string, message: string): Promise<void> {
  await db.query('UPDATE processor_checkpoints SET last_error = $2, last_error_at = now() WHERE name = $1', [
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

/** Records a poison event the processor goes on without, and names it as the processor's last error. */
export async function insertParked(tx: SqlExecutor, name: string, parked: ParkedEvent): Promise<void> {
  await tx.query(
    `INSERT INTO processor_parked (name, position, event_id, type, stream_id, error)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name, position) DO NOTHING`,
    [name, positionKey(parked.position), parked.eventId, parked.type, parked.streamId, parked.error],
  );
  await recordError(
    tx,
    name,
    `event ${parked.eventId} (${parked.type} at position ${parked.position}) parked: ${parked.error}`,
  );
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
    `SELECT name, position, event_id, type, stream_id, error, ${iso('parked_at')}
       FROM processor_parked WHERE $1::text IS NULL OR name = $1 ORDER BY name, position`,
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

/** Parked events per processor name. */
export async function countParked(db: SqlExecutor): Promise<Map<string, number>> {
  const { rows } = await db.query<{ name: string; count: string }>(
    'SELECT name, count(*)::text AS count FROM processor_parked GROUP BY name',
  );
  return new Map(rows.map((row) => [row.name, Number(row.count)]));
}

/**
 * The one lag figure of a processor, as /health and /metrics report it: the events after its
 * checkpoint `from` up to the head `to` (0 when there), as the store counts them (`eventsBetween`: at
 * most its limit, and the SQL store may count a rolled-back gap). Null when the store cannot count
 * them: a checkpoint in another store's position form (the event store was changed under the
 * processors), which a report should show rather than fail on.
 */
export async function processorLag(
  store: Pick<EventStore, 'eventsBetween' | 'comparePositions'>,
  from: Position | null,
  to: Position | null,
): Promise<number | null> {
  if (to === null) return 0;
  try {
    if (from !== null && store.comparePositions(from, to) >= 0) return 0;
    return await store.eventsBetween(from, to);
  } catch {
    return null;
  }
}
