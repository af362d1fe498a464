import pg from 'pg';
import { SqlDatabase, type ConnectionStats, type SqlExecutor } from './sql-database.port.js';
import { pgTypeParserFor, quoteIdentifier } from './sql-types.js';

export interface PgDatabaseOptions {
  connectionString: string;
  /** Pool size (default 10). */
  max?: number;
  applicationName?: string;
}

type QueryResult<Row> = { rows: Row[]; rowCount: number };

async function run<Row>(
  client: pg.Pool | pg.PoolClient | pg.Client,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<Row>> {
  const result = await client.query(sql, params && params.length > 0 ? [...params] : undefined);
  // Several statements without parameters (simple query protocol) yield one result each.
  const last = (Array.isArray(result) ? result.at(-1) : result) as pg.QueryResult | undefined;
  const rows = (last?.rows ?? []) as Row[];
  return { rows, rowCount: last?.rowCount ?? rows.length };
}

/** PostgreSQL server through a `pg` Pool; LISTEN runs on one dedicated connection that reconnects. */
export class PgDatabase extends SqlDatabase {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly clientConfig: pg.ClientConfig;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private listener: pg.Client | null = null;
  private listenerStarting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs = 100;
  private closed = false;

  constructor(options: PgDatabaseOptions) {
    super();
    this.clientConfig = {
      connectionString: options.connectionString,
      application_name: options.applicationName ?? 'governance-event-store',
      options: '-c TimeZone=UTC -c DateStyle=ISO',
      types: { getTypeParser: pgTypeParserFor(pg.types.getTypeParser) as typeof pg.types.getTypeParser },
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: options.max ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return run<Row>(this.pool, sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: without this, a connection the server ends
    // mid-transaction (failover, pg_terminate_backend) raises an unhandled 'error' and kills the process.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work({ query: (sql, params) => run(client, sql, params) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('The database is closed.');
    let callbacks = this.channels.get(channel);
    const isNewChannel = !callbacks;
    if (!callbacks) {
      callbacks = new Set();
      this.channels.set(channel, callbacks);
    }
    callbacks.add(onNotify);
    if (!this.listener) await this.startListener(false);
    // LISTEN twice is harmless; a listener that connected meanwhile may not have seen this channel.
    if (isNewChannel) await this.listener?.query(`LISTEN ${quoteIdentifier(channel)}`).catch(() => undefined);
    return async () => {
      const set = this.channels.get(channel);
      if (!set?.delete(onNotify) || set.size > 0) return;
      this.channels.delete(channel);
      await this.listener?.query(`UNLISTEN ${quoteIdentifier(channel)}`).catch(() => undefined);
    };
  }

  connections(): ConnectionStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.listenerStarting;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** Connects the listening client; on failure schedules a retry instead of failing `listen`. */
  private startListener(isReconnect: boolean): Promise<void> {
    this.listenerStarting ??= (async () => {
      const client = new pg.Client({
        ...this.clientConfig,
        application_name: `${this.clientConfig.application_name}-listener`,
      });
      client.on('notification', (message) => this.dispatch(message.channel, message.payload ?? ''));
      client.on('error', () => this.dropListener(client));
      client.on('end', () => this.dropListener(client));
      try {
        await client.connect();
        for (const channel of this.channels.keys()) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      } catch {
        await client.end().catch(() => undefined);
        this.scheduleReconnect();
        return;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
      this.reconnectDelayMs = 100;
      // Whatever was notified while we were away is lost: tell every listener to look.
      if (isReconnect) for (const channel of this.channels.keys()) this.dispatch(channel, '');
    })().finally(() => {
      this.listenerStarting = null;
    });
    return this.listenerStarting;
  }

  private dropListener(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer || this.channels.size === 0) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.listener) void this.startListener(true);
    }, delay);
  }

  private dispatch(channel: string, payload: string): void {
    for (const callback of this.channels.get(channel) ?? []) {
      try {
        callback(payload);
      } catch {
        // A listener's failure is its own business; the others still hear the notification.
      }
    }
  }
}
