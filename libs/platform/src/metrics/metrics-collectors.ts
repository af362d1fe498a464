import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { EventStore, processorLag, readCheckpoints, SqlDatabase, type Position } from '#event-store';
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

/**
 * A position as a gauge value: only a decimal position (the SQL store's) is a number. Any other form
 * (KurrentDB's commit/prepare pair) has no gauge value, so the position gauges are absent for it; the
 * lag gauges, counted in events by the store, are reported for every form.
 */
const positionValue = (position: Position | null): number | null =>
  position !== null && /^\d+$/.test(position) ? Number(position) : null;

/** A log processor's checkpoint (the relay's, the compliance trigger's) and its lag. */
interface ProcessorCheckpoint {
  name: string;
  position: Position;
  /** Events between the checkpoint and the head, counted by the store; null when it cannot count them. */
  lag: number | null;
}

/**
 * Gauges read on scrape, from the database, so an API beside a separate worker reports what the
 * worker has reached: each projection's checkpoint and lag behind the head of the global log, the
 * Kafka relay's and the compliance trigger's checkpoints and lag, open alerts by rule, and the connection pool. The relay's
 * publish errors are counted by the relay of this process (none in an API with WORKERS=off).
 */
@Injectable()
export class MetricsCollectors {
  private readonly logger = new Logger('Metrics');
  private readonly projections: () => Promise<ProjectionReport[]>;
  private readonly relays: () => Promise<ProcessorCheckpoint[]>;
  private readonly reactors: () => Promise<ProcessorCheckpoint[]>;

  constructor(
    @Inject(Metrics) metrics: Metrics,
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    @Optional() @Inject(ProjectionStatus) status: ProjectionStatus | null,
    @Optional() @Inject(RelayLifecycle) relay: RelayLifecycle | null,
  ) {
    const registers = [metrics.registry];
    // The report's lag is already counted in events by the store, whatever form its positions take.
    this.projections = sampled(async () => (status ? status.report() : []));
    this.relays = sampled(() => this.readProcessors('relay'));
    this.reactors = sampled(() => this.readProcessors('reactor'));
    // prom-client calls collect() with the metric as `this`: what it reads is captured here.
    const safely = <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> =>
      this.safely(what, read, fallback);
    const projections = this.projections;
    const relays = this.relays;
    const reactors = this.reactors;
    const headPosition = () => this.store.headPosition();
    const openAlerts = () => this.openAlerts();
    const database = this.db;

    new Gauge({
      name: 'governance_log_head_position',
      help: 'Global position of the last event in the log; only for decimal positions (the SQL store).',
      registers,
      async collect() {
        const head = await safely('head', () => headPosition(), null);
        // An empty log is 0, as a projection that applied nothing; a gauge without labels would
        // show 0 for a position that is not a number too, unless its sample is removed.
        const value = head === null ? 0 : positionValue(head);
        if (value === null) this.remove({});
        else this.set(value);
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
      help: 'Events between each projection’s checkpoint and the head of the log (0 when caught up; at most 100,000).',
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
      help: 'Global position of the last event the Kafka broker acknowledged, per relay (its checkpoint); only for decimal positions.',
      labelNames: ['relay'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await safely('relay', relays, [])) {
          const value = positionValue(row.position);
          if (value !== null) this.set({ relay: row.name }, value);
        }
      },
    });

    new Gauge({
      name: 'governance_relay_lag',
      help: 'Events between each Kafka relay’s checkpoint and the head of the log (0 when caught up; at most 100,000).',
      labelNames: ['relay'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await safely('relay', relays, []))
          if (row.lag !== null) this.set({ relay: row.name }, row.lag);
      },
    });

    new Gauge({
      name: 'governance_compliance_position',
      help: 'Global position of the last event the compliance trigger has evaluated, per trigger (its checkpoint); only for decimal positions.',
      labelNames: ['processor'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await safely('compliance trigger', reactors, [])) {
          const value = positionValue(row.position);
          if (value !== null) this.set({ processor: row.name }, value);
        }
      },
    });

    new Gauge({
      name: 'governance_compliance_lag',
      help: 'Events between each compliance trigger’s checkpoint and the head of the log (0 when caught up; at most 100,000).',
      labelNames: ['processor'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await safely('compliance trigger', reactors, []))
          if (row.lag !== null) this.set({ processor: row.name }, row.lag);
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
        const { total, idle, waiting } = database.connections();
        this.set({ state: 'total' }, total);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'waiting' }, waiting);
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

  private async readProcessors(kind: 'relay' | 'reactor'): Promise<ProcessorCheckpoint[]> {
    // The table exists once a processor has started somewhere; before that there is nothing to report.
    const { rows: exists } = await this.db.query<{ exists: boolean }>(
      "SELECT to_regclass('processor_checkpoints') IS NOT NULL AS exists",
    );
    if (!exists[0]?.exists) return [];
    const [checkpoints, head] = await Promise.all([readCheckpoints(this.db, kind), this.store.headPosition()]);
    return Promise.all(
      checkpoints
        .filter((checkpoint): checkpoint is typeof checkpoint & { position: Position } => checkpoint.position !== null)
        .map(async ({ name, position }) => ({
          name,
          position,
          lag: await processorLag(this.store, position, head),
        })),
    );
  }

  private async openAlerts(): Promise<{ rule: string; count: string }[]> {
    const { rows: exists } = await this.db.query<{ exists: boolean }>(
      "SELECT to_regclass('alerts') IS NOT NULL AS exists",
    );
    if (!exists[0]?.exists) return [];
    const { rows } = await this.db.query<{ rule: string; count: string }>(
      "SELECT rule, count(*)::text AS count FROM alerts WHERE status = 'open' GROUP BY rule ORDER BY rule",
    );
    return rows;
  }
}
