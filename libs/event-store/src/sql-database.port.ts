/**
 * The one SQL surface shared by the event store and the read models, so a projection can write
 * its rows and its checkpoint through the same transaction handle (DESIGN.md "Architecture").
 * Drivers: `pg` (PostgreSQL server) and PGlite (embedded). Write SQL that both accept
 * (PGlite is PostgreSQL 18, the server here is 15).
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

export abstract class SqlDatabase implements SqlExecutor {
  abstract readonly kind: 'postgres' | 'pglite';
  abstract query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` when another connection or process NOTIFYs `channel`.
   * Returns a function that stops listening.
   */
  abstract listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  abstract close(): Promise<void>;
}
