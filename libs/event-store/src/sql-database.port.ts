/**
 * The one SQL surface shared by the event store and the read models, so a projection can write
 * its rows and its checkpoint through the same transaction handle (docs/architecture.md, "The event path").
 * Drivers: `pg` (PostgreSQL server) and PGlite (embedded). Write SQL that both accept
 * (PGlite is PostgreSQL 18, the server here is 15).
 */
export interface SqlExecutor {
  /**
   * Runs one statement with `$1`-style parameters. Without parameters the text may hold several
   * statements (a migration script); the result is then the last statement's.
   * Values read the same from both drivers: int8/numeric as decimal strings, date as `YYYY-MM-DD`,
   * timestamp(tz) as ISO 8601 UTC strings with milliseconds, json/jsonb parsed. Sessions run in UTC.
   */
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: Row[]; rowCount: number }>;
}

export abstract class SqlDatabase implements SqlExecutor {
  abstract readonly kind: 'postgres' | 'pglite';
  abstract query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: Row[]; rowCount: number }>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside `work`, use only `tx`: PGlite has one connection, so a query on the database itself
   * would wait for this transaction to end, which waits for `work`.
   */
  abstract transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` when another connection or process NOTIFYs `channel`.
   * Returns a function that stops listening. Best effort: notifications sent while a connection
   * is being re-established are lost, so after a reconnect `onNotify('')` is called once;
   * a listener must still poll to be safe.
   */
  abstract listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Connections for /metrics: open (total), idle, and callers waiting for one. */
  abstract connections(): ConnectionStats;
  abstract close(): Promise<void>;
}

export interface ConnectionStats {
  total: number;
  idle: number;
  waiting: number;
}
