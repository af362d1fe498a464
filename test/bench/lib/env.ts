import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { MachineInfo } from './report.js';

/** The PostgreSQL server the benchmark creates its databases on (as test/support/db.ts). */
export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The databases this run created, dropped at the end (and only those). */
export const createdDatabases = new Set<string>();

/** Drops and creates a database `bench_<name>`; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const db = `bench_${name}`;
  createdDatabases.add(db);
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${db}`);
  });
  return databaseUrl(db);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
}

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} failed: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

async function pgTestFsync(method: string): Promise<MachineInfo['fsync']> {
  const candidates = [
    process.env.PG_TEST_FSYNC,
    '/usr/lib/postgresql/15/bin/pg_test_fsync',
    '/usr/lib/postgresql/16/bin/pg_test_fsync',
    'pg_test_fsync',
  ];
  const bin = candidates.find((c) => c && (c === 'pg_test_fsync' || existsSync(c)));
  // On the PostgreSQL data directory's file system when we can write there, else the temp dir (same disk here).
  const file = join(os.tmpdir(), `bench-pg-test-fsync-${process.pid}.tmp`);
  try {
    const out = await run(bin!, ['-s', '1', '-f', file], 120_000);
    // The first block is "one 8kB write" per method.
    const block = out.split('Compare file sync methods using two')[0];
    const line = block!.split('\n').find((l) => l.trim().startsWith(method));
    const ops = line ? Number(/([\d.]+) ops\/sec/.exec(line)?.[1]) : null;
    return { method, opsPerSecond: ops, raw: block!.trim() };
  } catch (error) {
    return { method, opsPerSecond: null, raw: (error as Error).message };
  } finally {
    await rm(file, { force: true });
  }
}

export async function machineInfo(scale: MachineInfo['scale']): Promise<MachineInfo> {
  const { version, settings } = await admin(async (c) => {
    const v = await c.query<{ version: string }>('SELECT version()');
    const s = await c.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('fsync','synchronous_commit','wal_sync_method','shared_buffers','commit_delay','full_page_writes','max_connections')`,
    );
    return {
      version: v.rows[0]!.version.split(' on ')[0]!,
      settings: Object.fromEntries(s.rows.map((r) => [r.name, r.unit ? `${r.setting} (${r.unit})` : r.setting])),
    };
  });
  const method = (settings.wal_sync_method ?? 'fdatasync').split(' ')[0];
  // One network round trip to the server (SELECT 1, p50 of 2,000): what every extra statement in an append costs.
  const roundTripMs = await admin(async (c) => {
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await c.query('SELECT 1');
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[1000]!;
  });
  let emmett: string | null = null;
  try {
    const manifest = await readFile('node_modules/@event-driven-io/emmett-postgresql/package.json', 'utf8');
    emmett = (JSON.parse(manifest) as { version: string }).version;
  } catch {
    emmett = null;
  }
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    postgres: version,
    postgresSettings: settings,
    fsync: await pgTestFsync(method!),
    kafka: null,
    emmett: emmett ? `@event-driven-io/emmett-postgresql ${emmett}` : null,
    scale,
    roundTripMs,
  };
}
