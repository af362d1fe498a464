import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { SqlDatabase, type ConnectionStats, type SqlExecutor } from './sql-database.port.js';
import { pgliteParsers } from './sql-types.js';

export interface PgliteDatabaseOptions {
  /** Directory of the database files, created when missing. Absent: in memory. */
  dataDir?: string | null;
}

type QueryResult<Row> = { rows: Row[]; rowCount: number };

async function run<Row>(
  target: PGlite | Transaction,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<Row>> {
  if (!params || params.length === 0) {
    // Simple query protocol, like `pg` without parameters: a script of several statements is allowed.
    const last = (await target.exec(sql)).at(-1);
    const rows = (last?.rows ?? []) as Row[];
    return { rows, rowCount: last?.rowCount ?? last?.affectedRows ?? rows.length };
  }
  const result = await target.query<Row>(sql, [...params]);
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
}

/** Embedded PostgreSQL (PGlite, WASM): one connection, the same SQL and migrations as the server. */
export class PgliteDatabase extends SqlDatabase {
  readonly kind = 'pglite' as const;

  private constructor(private readonly pglite: PGlite) {
    super();
  }

  static async open(options: PgliteDatabaseOptions = {}): Promise<PgliteDatabase> {
    // Loaded on demand: a deployment on the PostgreSQL server never pays for the WASM module.
    const { PGlite } = await import('@electric-sql/pglite');
    let dataDir: string | undefined;
    if (options.dataDir) {
      dataDir = resolve(options.dataDir);
      await mkdir(dataDir, { recursive: true });
    }
    const pglite = await PGlite.create({ dataDir, parsers: pgliteParsers });
    await pglite.exec(`SET TIME ZONE 'UTC'; SET DateStyle = 'ISO'`);
    return new PgliteDatabase(pglite);
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return run<Row>(this.pglite, sql, params);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.pglite.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params) }));
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.pglite.listen(channel, onNotify);
    return () => unlisten();
  }

  /** One connection, always open; callers queue inside PGlite, where they cannot be counted. */
  connections(): ConnectionStats {
    return { total: 1, idle: 0, waiting: 0 };
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}
