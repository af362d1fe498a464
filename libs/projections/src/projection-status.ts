import {
  countParked,
  migrateProcessors,
  positionFromKey,
  processorLag,
  readCheckpoints,
  type EventStore,
  type Position,
  type SqlDatabase,
} from '#event-store';
import { CHECKPOINT_CHANNEL } from './checkpoint-store.js';
import { ProjectionLagError, ProjectionRebuildingError, type LaggingProjection } from './projection-lag.error.js';
import type { ProjectionRunner, RunnerState } from './projection-runner.js';
import type { SqlProjection } from './sql-projection.js';

const POLL_MS = 100;

export interface ProjectionReport {
  name: string;
  /** The version this code runs. */
  version: number;
  /** The version the live tables were built by (null before the first start). */
  storedVersion: number | null;
  /** Last event applied or passed over; null when nothing yet. */
  position: Position | null;
  headPosition: Position | null;
  /**
   * Events after the checkpoint up to the head, as the store counts them (`eventsBetween`: at most
   * its limit, and the SQL store may count a rolled-back gap): 0 when caught up, null when the store
   * cannot count from this checkpoint.
   */
  lag: number | null;
  /** From the database, so an API sees what a separate worker is doing: 'running', 'rebuilding', or 'not-started'. */
  status: 'running' | 'rebuilding' | 'not-started';
  /** What this process's runner is doing with it, null when this process does not run projections. */
  runner: RunnerState | null;
  /** Events that kept failing and were parked; the read model lacks their effect until a rebuild. */
  parked: number;
  lastError: { message: string; at: string | null } | null;
  updatedAt: string | null;
}

export interface ProjectionHealth {
  healthy: boolean;
  /** Sentences for the health endpoint and the log. */
  problems: string[];
  projections: ProjectionReport[];
}

export interface WaitForPositionOptions {
  /** Default 5 s. */
  timeoutMs?: number;
  /** Only these projections must have reached the position (default: all of them). */
  projections?: readonly string[];
}

/**
 * What the projections have reached, read from the database (so it holds in the API whether the
 * runner is embedded or in apps/worker), and the read-your-writes wait.
 */
export class ProjectionStatus {
  private readonly waiters = new Set<() => void>();
  private unlisten: Promise<(() => Promise<void>) | null> | null = null;
  private readonly detachRunner: (() => void) | null;
  private ready: Promise<unknown> | null = null;
  /** Projections seen with live tables at this code's version: a version only rises, so once is enough. */
  private readonly current = new Set<string>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    readonly projections: readonly SqlProjection[],
    private readonly runner: ProjectionRunner | null = null,
  ) {
    this.detachRunner = runner?.onCheckpoint(() => this.wakeWaiters()) ?? null;
  }

  async report(): Promise<ProjectionReport[]> {
    await this.bookkeeping();
    const [checkpoints, head, parked] = await Promise.all([
      readCheckpoints(this.db, 'projection'),
      this.store.headPosition(),
      countParked(this.db),
    ]);
    const states = this.runner?.states() ?? {};
    // Projections mostly share a checkpoint: count each distinct one once (KurrentDB counts by reading the log).
    const lags = new Map<Position | null, Promise<number | null>>();
    const lagFrom = (position: Position | null) => {
      if (!lags.has(position)) lags.set(position, processorLag(this.store, position, head));
      return lags.get(position)!;
    };
    return Promise.all(
      this.projections.map(async (projection) => {
        const checkpoint = checkpoints.find((c) => c.name === projection.name);
        const parkedCount = parked.get(projection.name) ?? 0;
        return {
          name: projection.name,
          version: projection.version,
          storedVersion: checkpoint?.version ?? null,
          position: checkpoint?.position ?? null,
          headPosition: head,
          lag: await lagFrom(checkpoint?.position ?? null),
          status: checkpoint?.status ?? 'not-started',
          runner: states[projection.name] ?? null,
          parked: parkedCount,
          lastError: checkpoint?.lastError ? { message: checkpoint.lastError, at: checkpoint.lastErrorAt } : null,
          updatedAt: checkpoint?.updatedAt ?? null,
        };
      }),
    );
  }

  /** Unhealthy when an event is parked, a runner here has failed, or a projection lags more than `maxLag` events. */
  async health({ maxLag = 1000 }: { maxLag?: number } = {}): Promise<ProjectionHealth> {
    const projections = await this.report();
    const problems: string[] = [];
    for (const p of projections) {
      if (p.parked > 0) {
        problems.push(
          `${p.name} has ${p.parked} parked event${p.parked === 1 ? '' : 's'} it could not apply (last error: ${p.lastError?.message ?? 'unknown'}).`,
        );
      }
      if (p.runner === 'failed')
        problems.push(
          `${p.name}'s runner has failed and is restarting (${p.lastError?.message ?? 'no error recorded'}).`,
        );
      if (p.lag !== null && p.lag > maxLag) problems.push(`${p.name} is ${p.lag} events behind the head of the log.`);
    }
    return { healthy: problems.length === 0, problems, projections };
  }

  /**
   * Resolves once every projection (or the named ones) has reached `position`; otherwise throws a
   * ProjectionLagError after `timeoutMs`. A query that received `?minPosition=` calls this first.
   */
  async waitForPosition(position: Position, options: WaitForPositionOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const names = options.projections ?? this.projections.map((p) => p.name);
    for (const name of names) {
      if (!this.projections.some((p) => p.name === name)) throw new Error(`Unknown projection "${name}".`);
    }
    const deadline = Date.now() + timeoutMs;
    await this.bookkeeping();
    this.ensureListening();
    for (;;) {
      const lagging = await this.lagging(position, names);
      if (lagging.length === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        // Counted only now: a KurrentDB store counts by reading the log, too much for every poll.
        const behind = await Promise.all(
          lagging.map(async (p) => ({ ...p, behind: await processorLag(this.store, p.position, position) })),
        );
        throw new ProjectionLagError(position, timeoutMs, behind);
      }
      await this.nextSignal(Math.min(left, POLL_MS));
    }
  }

  /**
   * Throws a ProjectionRebuildingError when a named projection's live tables were built by another
   * version than this code's (the rebuild a new release starts has not finished yet). A projection
   * never started has no checkpoint and is read as it is.
   */
  async assertCurrent(names: readonly string[]): Promise<void> {
    const unknown = names.filter((name) => !this.current.has(name));
    if (unknown.length === 0) return;
    await this.bookkeeping();
    const { rows } = await this.db.query<{ name: string; version: number | null }>(
      'SELECT name, version FROM processor_checkpoints WHERE name = ANY($1::text[])',
      [unknown],
    );
    const stale = unknown.flatMap((name) => {
      const version = this.projections.find((p) => p.name === name)?.version;
      if (version === undefined) throw new Error(`Unknown projection "${name}".`);
      const stored = rows.find((row) => row.name === name)?.version ?? null;
      // No checkpoint yet: nothing was ever built (a worker not started), so the empty tables are the truth.
      if (stored === null) return [];
      if (Number(stored) === version) {
        this.current.add(name);
        return [];
      }
      return [{ name, version, storedVersion: Number(stored) }];
    });
    if (stale.length > 0) throw new ProjectionRebuildingError(stale);
  }

  async close(): Promise<void> {
    this.detachRunner?.();
    const unlisten = await this.unlisten;
    this.unlisten = null;
    await unlisten?.().catch(() => {});
    this.wakeWaiters();
  }

  /** The named projections whose checkpoint has not reached `position`. */
  private async lagging(position: Position, names: readonly string[]): Promise<Omit<LaggingProjection, 'behind'>[]> {
    const { rows } = await this.db.query<{ name: string; position: string | null }>(
      'SELECT name, position FROM processor_checkpoints WHERE name = ANY($1::text[])',
      [names],
    );
    return names
      .map((name) => {
        const key = rows.find((row) => row.name === name)?.position ?? null;
        return { name, position: key === null ? null : positionFromKey(key) };
      })
      .filter((p) => p.position === null || this.store.comparePositions(p.position, position) < 0);
  }

  /** The checkpoint tables, for a process that reads before any runner has started. */
  private async bookkeeping(): Promise<void> {
    this.ready ??= migrateProcessors(this.db).catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    await this.ready;
  }

  private ensureListening(): void {
    this.unlisten ??= this.db.listen(CHECKPOINT_CHANNEL, () => this.wakeWaiters()).catch(() => null);
  }

  private nextSignal(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
