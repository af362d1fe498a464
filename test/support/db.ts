/**
 * A fresh database per test file, for each SQL driver:
 * - `pglite`: embedded, in memory (or in a temporary directory when asked);
 * - `postgres`: a uniquely named database created on the server at TEST_DATABASE_URL
 *   (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
 * When the server is unreachable the PostgreSQL tests are skipped with a one-line reason,
 * except under CI=true, where that is a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '@jest/globals';
import pg from 'pg';
import { PgDatabase, PgliteDatabase, SqlDatabase, type SqlExecutor } from '#event-store';

export interface TestDatabase {
  /** The file's main connection (pool). */
  db: SqlDatabase;
  /**
   * Another handle on the same database, as another process would have: a separate pool for
   * PostgreSQL; for PGlite, which has one connection, the same instance (its close is a no-op).
   */
  connect(): Promise<SqlDatabase>;
  /** Connection string (PostgreSQL) or null. */
  url: string | null;
  /** Data directory (PGlite on disk) or null. */
  dataDir: string | null;
  dispose(): Promise<void>;
}

export interface TestDriver {
  name: 'pglite' | 'postgres';
  /** Why this driver's tests are skipped, or null when they run. */
  skipReason: string | null;
  /** `describe`, or `describe.skip` when the driver is unavailable. */
  describe: (name: string, fn: () => void) => void;
  create(options?: { onDisk?: boolean }): Promise<TestDatabase>;
}

/** Delegates to a shared database and leaves it open on close. */
class SharedHandle extends SqlDatabase {
  constructor(private readonly inner: SqlDatabase) {
    super();
  }
  get kind() {
    return this.inner.kind;
  }
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    return this.inner.query<Row>(sql, params);
  }
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inner.transaction(work);
  }
  connections() {
    return this.inner.connections();
  }
  listen(channel: string, onNotify: (payload: string) => void) {
    return this.inner.listen(channel, onNotify);
  }
  async close(): Promise<void> {}
}

export const pgliteDriver: TestDriver = {
  name: 'pglite',
  skipReason: null,
  describe,
  async create({ onDisk = false } = {}) {
    const dataDir = onDisk ? await mkdtemp(join(tmpdir(), 'event-store-test-')) : null;
    const db = await PgliteDatabase.open({ dataDir });
    return {
      db,
      url: null,
      dataDir,
      connect: () => Promise.resolve(new SharedHandle(db)),
      async dispose() {
        await db.close();
        if (dataDir) await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${adminUrl} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await probePostgres();
if (unreachable && process.env.CI === 'true') {
  throw new Error(`${unreachable}; CI=true requires it. Set TEST_DATABASE_URL or start the server.`);
}
if (unreachable) console.warn(`Skipping the PostgreSQL tests: ${unreachable}.`);

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const postgresDriver: TestDriver = {
  name: 'postgres',
  skipReason: unreachable,
  describe: unreachable ? describe.skip : describe,
  async create() {
    const name = `event_store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const opened: PgDatabase[] = [];
    const connect = () => {
      const db = new PgDatabase({ connectionString: url.toString(), max: 4 });
      opened.push(db);
      return Promise.resolve(db);
    };
    return {
      db: await connect(),
      url: url.toString(),
      dataDir: null,
      connect,
      async dispose() {
        await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
        await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
    };
  },
};

export const testDrivers: readonly TestDriver[] = [pgliteDriver, postgresDriver];
