import {
  DEFAULT_RETRY_POLICY,
  describeError,
  followLog,
  inSpan,
  insertParked,
  isTransientDatabaseError,
  linksToAppends,
  lockCheckpoint,
  parkedEventOf,
  readCheckpoint,
  recordError,
  retryItem,
  Sleeper,
  writeCheckpoint,
  type EventStore,
  type Position,
  type SqlDatabase,
  type SqlExecutor,
  type StoredEvent,
  type Subscription,
} from '#event-store';
import {
  CHECKPOINT_CHANNEL,
  ensureProjectionCheckpoint,
  ensureProjectionSchema,
  moveCheckpointAlone,
} from './checkpoint-store.js';
import { consoleLogger, type ProjectionLogger } from './projection-logger.js';
import { tryLockProjection } from './projection-locks.js';
import { RebuildInProgressError, rebuildProjection } from './rebuild-projection.js';
import { applyEvents, liveTable, tableMapper, validateProjections, type SqlProjection } from './sql-projection.js';

export interface ProjectionRunnerHooks {
  /**
   * Test seam: called inside a batch's transaction after its rows are written and before its
   * checkpoint. A throw aborts the transaction, as a crash at that point would, and stops that
   * projection's runner (no retry, no parking): a new runner is the "restart".
   */
  afterApply?(projection: string, events: readonly StoredEvent[], tx: SqlExecutor): Promise<void> | void;
}

export interface ProjectionRunnerOptions {
  /** Events per subscription batch, each batch one transaction. Default 200. */
  batchSize?: number;
  /** Tries of a failing event on its own before it is parked. Default 3. */
  maxAttempts?: number;
  /** Back-off before the second try of a failing event, doubled for each further try. Default 200 ms. */
  retryDelayMs?: number;
  /** Wait before trying again when another instance holds the projection's lock. Default 1 s. */
  standbyDelayMs?: number;
  /** Wait before resubscribing after an unexpected failure (database gone). Default 2 s. */
  restartDelayMs?: number;
  /** Take the per-projection advisory lock (default true). Only tests turn it off, to prove the checkpoint guard alone. */
  advisoryLock?: boolean;
  logger?: ProjectionLogger;
  hooks?: ProjectionRunnerHooks;
}

export type RunnerState = 'idle' | 'starting' | 'rebuilding' | 'running' | 'standby' | 'waiting' | 'failed' | 'stopped';

/** Ends a subscription when another instance holds the projection: this one backs off and resubscribes. */
class LockedOut extends Error {}
/** The checkpoint's version changed under the runner (a rebuild by newer code swapped tables in). */
class VersionChanged extends Error {}
class Stopping extends Error {}
/** `prepare` found the projection cannot run here now (a newer version's, or rebuilt elsewhere): wait and look again. */
class Waiting extends Error {}
class HookAbort extends Error {
  constructor(override readonly cause: unknown) {
    super(`aborted by a hook: ${describeError(cause)}`);
  }
}

/** `moved`: applied by moving the checkpoint alone, whose statement already sent the NOTIFY. */
type Outcome = 'applied' | 'moved' | 'skipped';

/** Runs one projection: version check (rebuild when bumped), catch-up from the checkpoint, then live. */
class ProjectionWorker {
  state: RunnerState = 'idle';
  private stopped = false;
  private subscription: Subscription | null = null;
  private readonly sleeper = new Sleeper();
  private running: Promise<void> | null = null;
  private warnedNewer = false;

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    readonly projection: SqlProjection,
    private readonly options: Required<Omit<ProjectionRunnerOptions, 'hooks'>> & { hooks: ProjectionRunnerHooks },
    /** Called after a checkpoint moved (committed); `notified`: the NOTIFY went with it. */
    private readonly committed: (projection: string, notified?: boolean) => void,
  ) {}

  private get logger(): ProjectionLogger {
    return this.options.logger;
  }

  start(): void {
    this.stopped = false;
    this.state = 'starting';
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.subscription?.stop().catch(() => {});
    await this.running;
    this.state = 'stopped';
  }

  private async run(): Promise<void> {
    let aborted = false;
    await followLog({
      store: this.store,
      batchSize: this.options.batchSize,
      from: async () => {
        const from = await this.prepare();
        if (from === 'wait') throw new Waiting();
        this.state = 'running';
        return from.position;
      },
      handle: (events) => this.handle(events),
      subscribed: (subscription) => {
        this.subscription = subscription;
      },
      failed: async (error) => {
        if (error instanceof Stopping) return 'stop';
        if (error instanceof Waiting) return this.options.standbyDelayMs;
        if (error instanceof HookAbort) {
          aborted = true;
          this.state = 'failed';
          this.logger.error(`${this.projection.name}: runner stopped, ${error.message}`);
          return 'stop';
        }
        if (error instanceof LockedOut) {
          this.state = 'standby';
          return this.options.standbyDelayMs;
        }
        if (error instanceof VersionChanged) return 0;
        this.state = 'failed';
        this.logger.error(
          `${this.projection.name}: runner failed, restarting in ${this.options.restartDelayMs} ms: ${describeError(error)}`,
        );
        await recordError(this.db, this.projection.name, describeError(error)).catch(() => {});
        return this.options.restartDelayMs;
      },
      stopped: () => this.stopped,
      sleep: (ms) => this.sleeper.sleep(ms),
    });
    if (!aborted) this.state = 'stopped';
  }

  /** The checkpoint to follow from, after rebuilding if this code's version is newer; 'wait' when it cannot run now. */
  private async prepare(): Promise<{ position: Position | null } | 'wait'> {
    const { name, version } = this.projection;
    const checkpoint = await ensureProjectionCheckpoint(this.db, this.projection);
    if (checkpoint.version > version) {
      if (!this.warnedNewer) {
        this.logger.warn(
          `${name}: the database holds version ${checkpoint.version}, newer than this code's ${version}; not running it here.`,
        );
        this.warnedNewer = true;
      }
      this.state = 'waiting';
      return 'wait';
    }
    if (checkpoint.version < version) {
      this.state = 'rebuilding';
      this.logger.log(`${name}: version ${checkpoint.version} → ${version}, rebuilding from the log`);
      try {
        const result = await rebuildProjection(this.db, this.store, this.projection, {
          batchSize: this.options.batchSize,
          maxAttempts: this.options.maxAttempts,
          retryDelayMs: this.options.retryDelayMs,
          logger: this.logger,
          shouldStop: () => this.stopped,
        });
        this.logger.log(
          `${name}: rebuilt from ${result.eventsRead} events (${result.eventsApplied} applied, ${result.parked} parked)`,
        );
      } catch (error) {
        if (!(error instanceof RebuildInProgressError)) throw error;
        this.state = 'waiting';
        return 'wait';
      }
      const rebuilt = await readCheckpoint(this.db, name);
      return rebuilt && rebuilt.version === version ? { position: rebuilt.position } : 'wait';
    }
    return { position: checkpoint.position };
  }

  /** One span per batch (docs/operations.md, "Tracing"), linked to the appends of its events. */
  private handle(events: StoredEvent[]): Promise<void> {
    return inSpan(
      `projection batch ${this.projection.name}`,
      { 'projection.name': this.projection.name, 'batch.events': events.length },
      () => this.handleBatch(events),
      () => linksToAppends(events),
    );
  }

  private async handleBatch(events: StoredEvent[]): Promise<void> {
    if (this.stopped) throw new Stopping();
    try {
      const outcome = await this.applyLive(events);
      if (outcome !== 'skipped') this.committed(this.projection.name, outcome === 'moved');
    } catch (error) {
      if (error instanceof LockedOut || error instanceof VersionChanged || error instanceof HookAbort) throw error;
      // The database's failure, not the events': resubscribe from the checkpoint after a pause.
      if (isTransientDatabaseError(error)) throw error;
      this.logger.warn(
        `${this.projection.name}: batch of ${events.length} failed, trying its events one by one: ${describeError(error)}`,
      );
      for (const event of events) await this.applyAlone(event);
      this.committed(this.projection.name);
    }
  }

  /** One transaction: lock, skip what the checkpoint covers, apply, move the checkpoint. */
  private async applyLive(events: readonly StoredEvent[]): Promise<Outcome> {
    const { projection } = this;
    if (!events.some((event) => projection.handles.includes(event.type)) && !this.options.hooks.afterApply) {
      // Nothing to apply (most live batches of most projections): only the checkpoint moves, in one
      // statement instead of a transaction of five. It moves only forward and only when this
      // instance may run the projection (its lock free, the version its own); otherwise the full
      // path below decides (standby, version change, or nothing to do).
      const newest = events.at(-1);
      if (!newest) throw new Error(`${projection.name} was handed an empty batch of events.`);
      if (await moveCheckpointAlone(this.db, projection, newest.position, this.options.advisoryLock)) return 'moved';
    }
    return this.db.transaction(async (tx) => {
      const fresh = await this.guard(tx, events);
      const newest = fresh.at(-1);
      if (!newest) return 'skipped';
      const t = tableMapper(projection, liveTable);
      await applyEvents(projection, { tx, t }, fresh);
      if (this.options.hooks.afterApply) {
        try {
          await this.options.hooks.afterApply(projection.name, fresh, tx);
        } catch (error) {
          throw new HookAbort(error);
        }
      }
      await writeCheckpoint(tx, projection.name, newest.position);
      return 'applied';
    });
  }

  /** Takes the lock and the checkpoint row; returns the events the checkpoint does not cover yet. */
  private async guard(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<readonly StoredEvent[]> {
    if (this.options.advisoryLock && !(await tryLockProjection(tx, this.projection.name))) throw new LockedOut();
    const checkpoint = await lockCheckpoint(tx, this.projection.name);
    if (checkpoint.version !== this.projection.version) throw new VersionChanged();
    const at = checkpoint.position;
    return at === null ? events : events.filter((event) => this.store.comparePositions(event.position, at) > 0);
  }

  /** A failing event alone, a few times with back-off; then it is parked so the projection goes on. */
  private async applyAlone(event: StoredEvent): Promise<void> {
    const outcome = await retryItem(() => this.applyLive([event]), {
      maxAttempts: this.options.maxAttempts,
      retryDelayMs: this.options.retryDelayMs,
      sleep: (ms) => this.sleeper.sleep(ms),
      rethrow: (error) =>
        error instanceof LockedOut ||
        error instanceof VersionChanged ||
        error instanceof HookAbort ||
        isTransientDatabaseError(error),
      stopped: () => this.stopped,
    });
    if (outcome.ok) return;
    if (this.stopped) throw new Stopping();
    await this.park(event, outcome.error);
  }

  private async park(event: StoredEvent, error: unknown): Promise<void> {
    // Only park when the database itself answers: otherwise the failure may not be the event's.
    await this.db.query('SELECT 1');
    const parked = await this.db.transaction(async (tx) => {
      const fresh = await this.guard(tx, [event]);
      if (fresh.length === 0) return false;
      await insertParked(tx, this.projection.name, parkedEventOf(event, error));
      await writeCheckpoint(tx, this.projection.name, event.position);
      return true;
    });
    if (parked) {
      this.logger.error(
        `${this.projection.name}: parked event ${event.eventId} (${event.type} in ${event.streamId} at position ${event.position}) ` +
          `after ${this.options.maxAttempts} tries: ${describeError(error)}. The projection goes on without it; rebuild once the cause is fixed.`,
      );
    }
  }
}

/**
 * Keeps the read models up to date: one worker per projection, each following the global log
 * from its own checkpoint. Runs embedded in apps/api or in apps/worker; with several instances,
 * each batch takes the projection's advisory lock, so one instance does the work at a time.
 */
export class ProjectionRunner {
  private readonly workers: ProjectionWorker[];
  private readonly listeners = new Set<(projection: string) => void>();
  private started = false;

  constructor(
    private readonly db: SqlDatabase,
    store: EventStore,
    readonly projections: readonly SqlProjection[],
    options: ProjectionRunnerOptions = {},
  ) {
    validateProjections(projections);
    const settings = {
      batchSize: options.batchSize ?? 200,
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_POLICY.retryDelayMs,
      standbyDelayMs: options.standbyDelayMs ?? 1000,
      restartDelayMs: options.restartDelayMs ?? DEFAULT_RETRY_POLICY.restartDelayMs,
      advisoryLock: options.advisoryLock ?? true,
      logger: options.logger ?? consoleLogger(),
      hooks: options.hooks ?? {},
    };
    this.workers = projections.map(
      (projection) =>
        new ProjectionWorker(db, store, projection, settings, (name, notified) => this.committed(name, notified)),
    );
  }

  /** Calls `listener` after each committed checkpoint move; returns a function that detaches it. */
  onCheckpoint(listener: (projection: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private committed(projection: string, notified = false): void {
    for (const listener of this.listeners) listener(projection);
    if (notified) return;
    // Other processes (an API beside a split worker) wait on this channel; best effort, they also poll.
    this.db.query(`SELECT pg_notify('${CHECKPOINT_CHANNEL}', $1)`, [projection]).catch(() => {});
  }

  /** Creates missing tables, then starts every projection in the background (catch-up does not block). */
  async start(): Promise<void> {
    if (this.started) return;
    await ensureProjectionSchema(this.db, this.projections);
    this.started = true;
    for (const worker of this.workers) worker.start();
  }

  /** Stops following the log; a batch in flight commits or rolls back first. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  /** What each projection's worker in this process is doing. */
  states(): Record<string, RunnerState> {
    return Object.fromEntries(this.workers.map((worker) => [worker.projection.name, worker.state]));
  }
}
