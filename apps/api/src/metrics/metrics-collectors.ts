import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { EventStore, SqlDatabase } from '#event-store';
import { RelayLifecycle } from '#messaging';
import { ProjectionStatus, type ProjectionReport } from '#projections';
import { Metrics } from './metrics.js';

/** Within one scrape several gauges read the same rows: one query serves them all. */
const SAMPLE_TTL_MS = 500;

function sampled<T>(read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (!last || Date.now() - last.at > SAMPLE_TTL_MS) {
      const value = read();
      last = { at: Date.now(), value };
      value.catch(() => {
        last = null;
      });
    }
    return last.value;
  };
}

/** A decimal position as a number for a gauge; null for positions that are not numbers (KurrentDB's commit/prepare pair). */
const positionValue = (position: string | null): number | null => (position !== null && /^\d+$/.test(position) ? Number(position) : null);

interface RelayRow {
  name: string;
  position: string;
}

interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The pg Pool behind a PostgreSQL SqlDatabase (the adapter keeps it private; read-only use here). */
function poolOf(db: SqlDatabase): PoolStats | null {
  const pool = (db as unknown as { pool?: Partial<PoolStats> }).pool;
  return pool && typeof pool.totalCount === 'number' ? (pool as PoolStats) : null;
}

/**
 * Gauges read on scrape, from the database, so an API beside a separate worker reports what the
 * worker has reached: each projection's checkpoint and lag behind the head of the global log, the
 * Kafka relay's checkpoint and lag, open alerts by rule, and the connection pool. The relay's
 * publish errors are counted by the relay of this process (none in an API with WORKERS=off).
 */
@Injectable()
export class MetricsCollectors {
  private readonly logger = new Logger('Metrics');
  private readonly projections: () => Promise<ProjectionReport[]>;
  private readonly relays: () => Promise<{ rows: RelayRow[]; head: string | null }>;

  constructor(
    @Inject(Metrics) metrics: Metrics,
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    @Optional() @Inject(ProjectionStatus) status: ProjectionStatus | null,
    @Optional() @Inject(RelayLifecycle) relay: RelayLifecycle | null,
  ) {
    const registers = [metrics.registry];
    this.projections = sampled(async () => (status ? status.report() : []));
    this.relays = sampled(() => this.readRelays());
    // prom-client calls collect() with the metric as `this`: what it reads is captured here.
    const safely = <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => this.safely(what, read, fallback);
    const projections = this.projections;
    const relays = this.relays;
    const headPosition = () => this.store.headPosition();
    const openAlerts = () => this.openAlerts();
    const database = this.db;

    new Gauge({
      name: 'governance_log_head_position',
      help: 'Global position of the last event in the log.',
      registers,
      async collect() {
        const head = await safely('head', () => headPosition(), null);
        const value = positionValue(head);
        if (value !== null) this.set(value);
      },
    });

    new Gauge({
      name: 'governance_projection_position',
      help: 'Global position of the last event each projection applied (its checkpoint).',
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        this.reset();
        for (const report of await safely('projections', projections, [])) {
          // Nothing applied yet is 0; a position that is not a number (KurrentDB) has no gauge value.
          const value = report.position === null ? 0 : positionValue(report.position);
          if (value !== null) this.set({ projection: report.name }, value);
        }
      },
    });

    new Gauge({
      name: 'governance_projection_lag',
      help: 'Positions between each projection’s checkpoint and the head of the log (0 when caught up).',
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        this.reset();
        for (const report of await safely('projections', projections, [])) {
          if (report.lag !== null) this.set({ projection: report.name }, report.lag);
        }
      },
    });

    new Gauge({
      name: 'governance_projection_parked_events',
      help: 'Events each projection could not apply and parked.',
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        this.reset();
        for (const report of await safely('projections', projections, [])) {
          this.set({ projection: report.name }, report.parked);
        }
      },
    });

    new Gauge({
      name: 'governance_relay_position',
      help: 'Global position of the last event the Kafka broker acknowledged, per relay (its checkpoint).',
      labelNames: ['relay'] as const,
      registers,
      async collect() {
        this.reset();
        const { rows } = await safely('relay', relays, { rows: [], head: null });
        for (const row of rows) {
          const value = positionValue(row.position);
          if (value !== null) this.set({ relay: row.name }, value);
        }
      },
    });

    new Gauge({
      name: 'governance_relay_lag',
      help: 'Positions between each Kafka relay’s checkpoint and the head of the log (0 when caught up).',
      labelNames: ['relay'] as const,
      registers,
      async collect() {
        this.reset();
        const { rows, head } = await safely('relay', relays, { rows: [], head: null });
        const headValue = head === null ? 0 : positionValue(head);
        for (const row of rows) {
          const at = positionValue(row.position);
          if (headValue !== null && at !== null) this.set({ relay: row.name }, Math.max(0, headValue - at));
        }
      },
    });

    if (relay?.relay) {
      const running = relay.relay;
      new Counter({
        name: 'governance_relay_publish_errors_total',
        help: 'Failed attempts of this process’s Kafka relay to publish (each is retried with backoff).',
        labelNames: ['relay'] as const,
        registers,
        collect() {
          const snapshot = running.snapshot();
          this.reset();
          this.inc({ relay: snapshot.name }, snapshot.publishErrors);
        },
      });
    }

    new Gauge({
      name: 'governance_alerts_open',
      help: 'Compliance alerts open (raised, not acknowledged or resolved), by rule.',
      labelNames: ['rule'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await safely('alerts', openAlerts, [])) {
          this.set({ rule: row.rule }, Number(row.count));
        }
      },
    });

    new Gauge({
      name: 'governance_db_pool_connections',
      help: 'Database connections of this process: total, idle and waiting (clients queued for one). Embedded PGlite: one connection.',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const pool = poolOf(database);
        this.set({ state: 'total' }, pool ? pool.totalCount : 1);
        this.set({ state: 'idle' }, pool ? pool.idleCount : 0);
        this.set({ state: 'waiting' }, pool ? pool.waitingCount : 0);
      },
    });
  }

  /** A failing source leaves its metric empty for this scrape instead of failing the whole scrape. */
  private async safely<T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      this.logger.warn(`cannot read ${what} for /metrics: ${(error as Error).message}`);
      return fallback;
    }
  }

  private async readRelays(): Promise<{ rows: RelayRow[]; head: string | null }> {
    // The table exists once a relay has started somewhere (Kafka on); before that there is nothing to report.
    const { rows: exists } = await this.db.query<{ exists: boolean }>("SELECT to_regclass('relay_checkpoints') IS NOT NULL AS exists");
    if (!exists[0]?.exists) return { rows: [], head: null };
    const [{ rows }, head] = await Promise.all([
      this.db.query<RelayRow>('SELECT name, position::text AS position FROM relay_checkpoints ORDER BY name'),
      this.store.headPosition(),
    ]);
    return { rows, head };
  }

  private async openAlerts(): Promise<{ rule: string; count: string }[]> {
    const { rows: exists } = await this.db.query<{ exists: boolean }>("SELECT to_regclass('alerts') IS NOT NULL AS exists");
    if (!exists[0]?.exists) return [];
    const { rows } = await this.db.query<{ rule: string; count: string }>(
      "SELECT rule, count(*)::text AS count FROM alerts WHERE status = 'open' GROUP BY rule ORDER BY rule",
    );
    return rows;
  }
}
