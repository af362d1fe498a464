import {
  DEFAULT_RETRY_POLICY,
  describeError,
  insertParked,
  isTransientDatabaseError,
  lockCheckpoint,
  parkedEventOf,
  positionKey,
  readCheckpoint,
  retryItem,
  Sleeper,
  type EventStore,
  type ParkedEvent,
  type Position,
  type SqlDatabase,
  type SqlExecutor,
  type StoredEvent,
} from '#event-store';
import { createProjectionTables, ensureProjectionCheckpoint, ensureProjectionSchema } from './checkpoint-store.js';
import { silentLogger, type ProjectionLogger } from './projection-logger.js';
import { lockProjection } from './projection-locks.js';
import { applyEvents, rebuildTable, tableMapper, type SqlProjection } from './sql-projection.js';

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
  await ensureProjectionCheckpoint(db, projection);
  const { rowCount } = await db.query(
    `UPDATE processor_checkpoints SET status = 'rebuilding', rebuild_heartbeat_at = now()
      WHERE name = $1 AND (status <> 'rebuilding' OR rebuild_heartbeat_at IS NULL
                           OR rebuild_heartbeat_at < now() - make_interval(secs => $2))`,
    [projection.name, CLAIM_EXPIRY_SECONDS],
  );
  if (rowCount !== 1) throw new RebuildInProgressError(projection.name);
}

async function releaseClaim(db: SqlDatabase, name: string): Promise<void> {
  await db.query(
    `UPDATE processor_checkpoints SET status = 'running', rebuild_heartbeat_at = NULL WHERE name = $1 AND status = 'rebuilding'`,
    [name],
  );
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

/** Events per page and per batch transaction of a rebuild: large, since each batch is a few set-based statements. */
const REBUILD_BATCH = 2000;

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
  const [result] = await rebuildProjections(db, store, [projection], options);
  return result as RebuildResult;
}

/** One projection's part in a shared rebuild. */
interface RebuildJob {
  projection: SqlProjection;
  t: (table: string) => string;
  progress: RebuildProgress;
  parked: ParkedEvent[];
  swapped: boolean;
  claimed: boolean;
  durationMs: number;
}

/**
 * Rebuilds several read models from one read of the log: each page is read (and parsed) once and
 * applied to every projection still rebuilding, each in its own transaction, concurrently (on the
 * PostgreSQL server they run on separate connections; PGlite serialises them). Each projection
 * claims, swaps and parks exactly as `rebuildProjection` alone would; they swap independently.
 * A failure of one abandons them all (every claim is released and the live tables stay as they were).
 */
export async function rebuildProjections(
  db: SqlDatabase,
  store: EventStore,
  projections: readonly SqlProjection[],
  options: RebuildOptions = {},
): Promise<RebuildResult[]> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const maxAttempts = options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_POLICY.retryDelayMs;
  const sleeper = new Sleeper();
  const jobs: RebuildJob[] = projections.map((projection) => ({
    projection,
    t: tableMapper(projection, rebuildTable),
    progress: { projection: projection.name, eventsRead: 0, eventsApplied: 0, position: null, target: null },
    parked: [],
    swapped: false,
    claimed: false,
    durationMs: 0,
  }));
  let lastHeartbeat = Date.now();
  let position: Position | null = null;

  await ensureProjectionSchema(db, projections);

  const applyToRebuild = (job: RebuildJob, events: readonly StoredEvent[]): Promise<number> =>
    db.transaction((tx) => applyEvents(job.projection, { tx, t: job.t }, events));

  /** Tries to swap at `position`; false when the live runner has got further (the rebuild reads on). */
  const trySwap = (job: RebuildJob, at: Position | null): Promise<boolean> =>
    db.transaction(async (tx) => {
      const { projection, parked } = job;
      await lockProjection(tx, projection.name);
      const { position: live } = await lockCheckpoint(tx, projection.name);
      if (live !== null && (at === null || store.comparePositions(at, live) < 0)) return false;
      await swapTables(tx, projection);
      await tx.query('DELETE FROM processor_parked WHERE name = $1', [projection.name]);
      for (const event of parked) await insertParked(tx, projection.name, event);
      await tx.query(
        `UPDATE processor_checkpoints
            SET position = $2, version = $3, status = 'running', rebuild_heartbeat_at = NULL, updated_at = now()
                ${parked.length === 0 ? ', last_error = NULL, last_error_at = NULL' : ''}
          WHERE name = $1`,
        [projection.name, at === null ? null : positionKey(at), projection.version],
      );
      return true;
    });

  const reachedTarget = (job: RebuildJob): boolean =>
    job.progress.target === null || (position !== null && store.comparePositions(position, job.progress.target) >= 0);

  const liveAhead = async (job: RebuildJob): Promise<boolean> => {
    const live = (await readCheckpoint(db, job.projection.name))?.position ?? null;
    return live !== null && (position === null || store.comparePositions(position, live) < 0);
  };

  /** Swaps when this job has read far enough; true once swapped. */
  const maybeSwap = async (job: RebuildJob): Promise<boolean> => {
    if (!job.swapped && reachedTarget(job) && !(await liveAhead(job)) && (await trySwap(job, position))) {
      job.swapped = true;
      job.durationMs = Date.now() - started;
    }
    return job.swapped;
  };

  try {
    for (const job of jobs) {
      await claimRebuild(db, job.projection);
      job.claimed = true;
    }
    for (const job of jobs) {
      await db.transaction(async (tx) => {
        await dropRebuildTables(tx, job.projection);
        await createProjectionTables(tx, job.projection, rebuildTable);
      });
    }
    const target = await store.headPosition();
    for (const job of jobs) {
      job.progress.target = target;
      options.onProgress?.({ ...job.progress });
    }

    for (const job of jobs) await maybeSwap(job);
    if (jobs.some((job) => !job.swapped)) {
      let finished!: () => void;
      const done = new Promise<void>((resolve) => (finished = resolve));
      const subscription = store.subscribe(
        async (events) => {
          const pending = jobs.filter((job) => !job.swapped);
          const [firstPending] = pending;
          if (!firstPending) return;
          if (options.shouldStop?.()) throw new RebuildAbandonedError(firstPending.projection.name);
          const newest = events.at(-1);
          if (!newest) throw new Error('The rebuild was handed an empty batch of events.');
          const last = newest.position;
          await Promise.all(
            pending.map(async (job) => {
              job.progress.eventsApplied += await applyBatchOrAlone(job, events);
              job.progress.eventsRead += events.length;
              job.progress.position = last;
            }),
          );
          position = last;
          for (const job of pending) options.onProgress?.({ ...job.progress });
          if (Date.now() - lastHeartbeat > HEARTBEAT_MS) {
            lastHeartbeat = Date.now();
            await db.query(
              'UPDATE processor_checkpoints SET rebuild_heartbeat_at = now() WHERE name = ANY($1::text[])',
              [pending.map((job) => job.projection.name)],
            );
          }
          for (const job of pending) await maybeSwap(job);
          if (jobs.every((job) => job.swapped)) finished();
        },
        { batchSize: options.batchSize ?? REBUILD_BATCH },
      );
      try {
        await Promise.race([done, subscription.done]);
      } finally {
        await subscription.stop();
      }
      const unfinished = jobs.find((job) => !job.swapped);
      if (unfinished) throw new RebuildAbandonedError(unfinished.projection.name);
    }
  } catch (error) {
    for (const job of jobs) {
      if (job.swapped || !job.claimed) continue;
      await db.transaction((tx) => dropRebuildTables(tx, job.projection)).catch(() => {});
      await releaseClaim(db, job.projection.name).catch(() => {});
    }
    throw error;
  } finally {
    sleeper.wake();
  }

  return jobs.map((job) => ({
    projection: job.projection.name,
    version: job.projection.version,
    eventsRead: job.progress.eventsRead,
    eventsApplied: job.progress.eventsApplied,
    parked: job.parked.length,
    position: job.progress.position,
    durationMs: job.durationMs,
  }));

  /** As the live runner: a failing batch is retried event by event, and an event that keeps failing is parked. */
  async function applyBatchOrAlone(job: RebuildJob, events: readonly StoredEvent[]): Promise<number> {
    const { projection, parked } = job;
    try {
      return await applyToRebuild(job, events);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      let applied = 0;
      for (const event of events) {
        if (!projection.handles.includes(event.type)) continue;
        const outcome = await retryItem(() => applyToRebuild(job, [event]), {
          maxAttempts,
          retryDelayMs,
          sleep: (ms) => sleeper.sleep(ms),
        });
        if (outcome.ok) {
          applied += outcome.value;
          continue;
        }
        parked.push(parkedEventOf(event, outcome.error));
        logger.error(
          `${projection.name}: rebuild parked event ${event.eventId} (${event.type} at position ${event.position}): ${describeError(outcome.error)}`,
        );
      }
      return applied;
    }
  }
}
