import type { EventStore, Position, SqlDatabase, SqlExecutor, StoredEvent } from '#event-store';
import {
  createProjectionTables,
  describeError,
  ensureCheckpoint,
  ensureProjectionSchema,
  insertParked,
  isTransientDatabaseError,
  parkedEventOf,
  readCheckpoint,
  type ParkedEvent,
} from './checkpoint-store.js';
import { silentLogger, type ProjectionLogger } from './projection-logger.js';
import { lockProjection } from './projection-locks.js';
import { Sleeper } from './sleep.js';
import { rebuildTable, tableMapper, type SqlProjection } from './sql-projection.js';

export interface RebuildProgress {
  projection: string;
  /** Events read from the log so far (handled or not). */
  eventsRead: number;
  /** Events the projection handled so far. */
  eventsApplied: number;
  /** Last position read. */
  position: Position | null;
  /** The log's head when the rebuild started: the rebuild swaps once it has reached it and the live checkpoint. */
  target: Position | null;
}

export interface RebuildOptions {
  batchSize?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  onProgress?(progress: RebuildProgress): void;
  logger?: ProjectionLogger;
  /** Polled between batches: true abandons the rebuild (the live tables stay as they were). */
  shouldStop?(): boolean;
}

export interface RebuildResult {
  projection: string;
  version: number;
  eventsRead: number;
  eventsApplied: number;
  parked: number;
  /** The checkpoint the swapped-in tables start from. */
  position: Position | null;
  durationMs: number;
}

/** Someone else (another CLI, another instance upgrading) is rebuilding this projection now. */
export class RebuildInProgressError extends Error {
  readonly code = 'rebuild-in-progress';
  constructor(readonly projection: string) {
    super(`Projection ${projection} is already being rebuilt by another process; try again when it has finished.`);
    this.name = 'RebuildInProgressError';
  }
}

export class RebuildAbandonedError extends Error {
  constructor(readonly projection: string) {
    super(`The rebuild of ${projection} was stopped before it finished; the live tables are unchanged.`);
    this.name = 'RebuildAbandonedError';
  }
}

/** A rebuild that stops heartbeating for this long is taken to have crashed; its claim can be taken over. */
const CLAIM_EXPIRY_SECONDS = 60;
const HEARTBEAT_MS = 10_000;

async function claimRebuild(db: SqlDatabase, projection: SqlProjection): Promise<void> {
  await ensureCheckpoint(db, projection);
  const { rowCount } = await db.query(
    `UPDATE projection_checkpoints SET status = 'rebuilding', rebuild_heartbeat_at = now()
      WHERE name = $1 AND (status <> 'rebuilding' OR rebuild_heartbeat_at IS NULL
                           OR rebuild_heartbeat_at < now() - make_interval(secs => $2))`,
    [projection.name, CLAIM_EXPIRY_SECONDS],
  );
  if (rowCount !== 1) throw new RebuildInProgressError(projection.name);
}

async function releaseClaim(db: SqlDatabase, name: string): Promise<void> {
  await db.query(`UPDATE projection_checkpoints SET status = 'running', rebuild_heartbeat_at = NULL WHERE name = $1 AND status = 'rebuilding'`, [
    name,
  ]);
}

async function dropRebuildTables(tx: SqlExecutor, projection: SqlProjection): Promise<void> {
  for (const table of projection.tables) await tx.query(`DROP TABLE IF EXISTS ${rebuildTable(table)}`);
}

/**
 * Puts the rebuilt tables in place of the live ones, in one transaction with the checkpoint.
 * Queries in flight finish on the old tables first (ALTER/DROP TABLE wait for their locks), and
 * the next ones see the new tables. Index names follow their table (`<table>__rebuild_x` → `<table>_x`)
 * so the next rebuild can create its own.
 */
async function swapTables(tx: SqlExecutor, projection: SqlProjection): Promise<void> {
  for (const table of projection.tables) {
    const rebuilt = rebuildTable(table);
    await tx.query(`DROP TABLE IF EXISTS ${table}`);
    await tx.query(`ALTER TABLE ${rebuilt} RENAME TO ${table}`);
    const { rows } = await tx.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1',
      [table],
    );
    for (const { indexname } of rows) {
      if (indexname.startsWith(rebuilt)) {
        await tx.query(`ALTER INDEX ${indexname} RENAME TO ${table}${indexname.slice(rebuilt.length)}`);
      }
    }
  }
}

/**
 * Rebuilds a read model from the whole log into `<table>__rebuild` tables while the live tables
 * keep serving (and a live runner keeps updating them), then swaps them in. It reads through a
 * catch-up subscription, so it sees the log in the same safe order as the runner. It swaps once it
 * has reached both the head it started from and the live checkpoint, holding the projection's lock
 * and checkpoint row, so no event is lost or applied twice across the swap; the checkpoint becomes
 * the rebuild's position and the version this code's.
 */
export async function rebuildProjection(
  db: SqlDatabase,
  store: EventStore,
  projection: SqlProjection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const handles = new Set(projection.handles);
  const t = tableMapper(projection, rebuildTable);
  const sleeper = new Sleeper();

  await ensureProjectionSchema(db, [projection]);
  await claimRebuild(db, projection);

  const progress: RebuildProgress = {
    projection: projection.name,
    eventsRead: 0,
    eventsApplied: 0,
    position: null,
    target: null,
  };
  const parked: ParkedEvent[] = [];
  let lastHeartbeat = Date.now();

  const applyToRebuild = (events: readonly StoredEvent[]): Promise<number> =>
    db.transaction(async (tx) => {
      let applied = 0;
      for (const event of events) {
        if (!handles.has(event.type)) continue;
        await projection.apply({ tx, t }, event);
        applied++;
      }
      return applied;
    });

  /** Tries to swap at `position`; false when the live runner has got further (the rebuild reads on). */
  const trySwap = (position: Position | null): Promise<boolean> =>
    db.transaction(async (tx) => {
      await lockProjection(tx, projection.name);
      const { rows } = await tx.query<{ position: string | null }>(
        'SELECT position::text AS position FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
        [projection.name],
      );
      const live = (rows[0]?.position ?? null) as Position | null;
      if (live !== null && (position === null || store.comparePositions(position, live) < 0)) return false;
      await swapTables(tx, projection);
      await tx.query('DELETE FROM projection_parked WHERE name = $1', [projection.name]);
      for (const event of parked) await insertParked(tx, projection.name, event);
      await tx.query(
        `UPDATE projection_checkpoints
            SET position = $2::bigint, version = $3, status = 'running', rebuild_heartbeat_at = NULL, updated_at = now()
                ${parked.length === 0 ? ', last_error = NULL, last_error_at = NULL' : ''}
          WHERE name = $1`,
        [projection.name, position, projection.version],
      );
      return true;
    });

  try {
    await db.transaction(async (tx) => {
      await dropRebuildTables(tx, projection);
      await createProjectionTables(tx, projection, rebuildTable);
    });
    progress.target = await store.headPosition();
    options.onProgress?.({ ...progress });

    const reachedTarget = (): boolean =>
      progress.target === null || (progress.position !== null && store.comparePositions(progress.position, progress.target) >= 0);

    const liveAhead = async (): Promise<boolean> => {
      const live = (await readCheckpoint(db, projection.name))?.position ?? null;
      return live !== null && (progress.position === null || store.comparePositions(progress.position, live) < 0);
    };

    let swapped = reachedTarget() && !(await liveAhead()) && (await trySwap(progress.position));
    if (!swapped) {
      let finished!: () => void;
      const done = new Promise<void>((resolve) => (finished = resolve));
      const subscription = store.subscribe(
        async (events) => {
          if (swapped) return;
          if (options.shouldStop?.()) throw new RebuildAbandonedError(projection.name);
          progress.eventsApplied += await applyBatchOrAlone(events);
          progress.eventsRead += events.length;
          progress.position = events[events.length - 1].position;
          options.onProgress?.({ ...progress });
          if (Date.now() - lastHeartbeat > HEARTBEAT_MS) {
            lastHeartbeat = Date.now();
            await db.query('UPDATE projection_checkpoints SET rebuild_heartbeat_at = now() WHERE name = $1', [projection.name]);
          }
          if (reachedTarget() && !(await liveAhead()) && (await trySwap(progress.position))) {
            swapped = true;
            finished();
          }
        },
        { batchSize: options.batchSize ?? 500 },
      );
      try {
        await Promise.race([done, subscription.done]);
      } finally {
        await subscription.stop();
      }
      if (!swapped) throw new RebuildAbandonedError(projection.name);
    }
  } catch (error) {
    await db.transaction((tx) => dropRebuildTables(tx, projection)).catch(() => {});
    await releaseClaim(db, projection.name).catch(() => {});
    throw error;
  } finally {
    sleeper.wake();
  }

  return {
    projection: projection.name,
    version: projection.version,
    eventsRead: progress.eventsRead,
    eventsApplied: progress.eventsApplied,
    parked: parked.length,
    position: progress.position,
    durationMs: Date.now() - started,
  };

  /** As the live runner: a failing batch is retried event by event, and an event that keeps failing is parked. */
  async function applyBatchOrAlone(events: readonly StoredEvent[]): Promise<number> {
    try {
      return await applyToRebuild(events);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      let applied = 0;
      for (const event of events) {
        if (!handles.has(event.type)) continue;
        let lastError: unknown;
        let ok = false;
        for (let attempt = 1; attempt <= maxAttempts && !ok; attempt++) {
          try {
            applied += await applyToRebuild([event]);
            ok = true;
          } catch (error) {
            if (isTransientDatabaseError(error)) throw error;
            lastError = error;
            if (attempt < maxAttempts) await sleeper.sleep(retryDelayMs * 2 ** (attempt - 1));
          }
        }
        if (!ok) {
          parked.push(parkedEventOf(event, lastError));
          logger.error(
            `${projection.name}: rebuild parked event ${event.eventId} (${event.type} at position ${event.position}): ${describeError(lastError)}`,
          );
        }
      }
      return applied;
    }
  }
}
