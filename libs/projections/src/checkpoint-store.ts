import {
  ensureCheckpoint,
  migrateProcessors,
  positionKey,
  type Position,
  type ProcessorCheckpoint,
  type SqlDatabase,
  type SqlExecutor,
} from '#event-store';
import { lockProjectionSchema, projectionLockKeys } from './projection-locks.js';
import { liveTable, tableMapper, type SqlProjection } from './sql-projection.js';

/**
 * The projections' side of the log processor's bookkeeping (libs/event-store/src/processing): a
 * projection's checkpoint is its row in `processor_checkpoints` (kind `projection`), in the same
 * database as its rows, so that a batch writes rows and checkpoint in one transaction.
 */
/** Channel the runner NOTIFYs after each committed checkpoint, so waiting queries in any process wake at once. */
export const CHECKPOINT_CHANNEL = 'projection_checkpoint';

export type Checkpoint = ProcessorCheckpoint;

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
  await migrateProcessors(db);
  await db.transaction(async (tx) => {
    await lockProjectionSchema(tx);
    for (const projection of projections) await createProjectionTables(tx, projection, liveTable);
  });
}

/** Creates the checkpoint of a projection seen for the first time (nothing applied yet); returns it either way. */
export const ensureProjectionCheckpoint = (db: SqlExecutor, projection: SqlProjection): Promise<Checkpoint> =>
  ensureCheckpoint(db, { name: projection.name, kind: 'projection', version: projection.version });

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
       UPDATE processor_checkpoints SET position = $2, updated_at = now()
        WHERE name = $1 AND version = $3 AND (position IS NULL OR position < $2)
          AND ($4::boolean IS FALSE OR pg_try_advisory_xact_lock($5::int, $6::int))
        RETURNING name)
     SELECT count(*)::int AS moved, (SELECT pg_notify('${CHECKPOINT_CHANNEL}', $1) FROM moved) AS notified FROM moved`,
    [projection.name, positionKey(position), projection.version, advisoryLock, ...projectionLockKeys(projection.name)],
  );
  return Number(rows[0]?.moved ?? 0) === 1;
}
