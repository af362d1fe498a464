import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { postgresDriver, type TestDatabase } from '../support/db.js';

/*
 * The databases release 0.1.0 wrote (test/fixtures/release-0.1.0, made by its make-fixture.sh): a PGlite data
 * directory and a PostgreSQL dump, opened fresh by each upgrade spec.
 */

const execFileAsync = promisify(execFile);
export const fixtureDir = resolve(fileURLToPath(new URL('../fixtures/release-0.1.0', import.meta.url)));
/** The instant the fixture was written: the specs' clocks start there. */
export const writtenAt = (await readFile(join(fixtureDir, 'written-at.txt'), 'utf8')).trim();
/** The token secret the fixture's service ran with. */
export const SECRET = 'release-fixture-secret-release-fixture-secret-0123';

/** The PGlite data directory, unpacked into a new temporary folder: remove `dir` when done. */
export async function unpackPgliteData(prefix: string): Promise<{ dir: string; dataDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await execFileAsync('tar', ['-xJf', join(fixtureDir, 'pglite-data.tar.xz'), '-C', dir]);
  return { dir, dataDir: join(dir, 'data') };
}

/** A new PostgreSQL database holding the fixture's dump. */
export async function restoreDump(): Promise<TestDatabase> {
  const database = await postgresDriver.create();
  const { stdout: dump } = await execFileAsync('xz', ['-dc', join(fixtureDir, 'postgres.sql.xz')], {
    maxBuffer: 64 * 1024 * 1024,
  });
  // pg_dump's preamble empties search_path for its session: load on a client of its own.
  const client = new pg.Client({ connectionString: database.url as string });
  await client.connect();
  try {
    // pg_dump (15.14 on) brackets the dump in psql's \restrict/\unrestrict meta-commands, which are not SQL.
    await client.query(dump.replace(/^\\(un)?restrict .*$/gm, ''));
  } finally {
    await client.end();
  }
  return database;
}
