import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, type AppConfig } from '#config';
import { runCli } from '../../apps/cli/src/cli.js';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { bodyOf, type HealthBody } from '../support/http.js';

/*
 * A database written by release 0.1.0 (commit 6477a86) must open under this code: migrations run, every
 * stored event stays readable, the hash chain still verifies, and the read models — as they open and
 * after a rebuild from the old log — answer the questions that release answered the same way.
 * The fixture and the answers come from test/fixtures/release-0.1.0/make-fixture.sh.
 *
 * "The same way" means: everything the old answer held is still in the new one (a later release may add
 * fields), except where a later release deliberately changed the shape of an answer: DELIBERATE_CHANGES
 * says how the old answer reads now, one entry per change, so no difference passes unnoticed.
 */

const execFileAsync = promisify(execFile);
const fixtureDir = resolve(fileURLToPath(new URL('../fixtures/release-0.1.0', import.meta.url)));
const writtenAt = (await readFile(join(fixtureDir, 'written-at.txt'), 'utf8')).trim();
const SECRET = 'release-fixture-secret-release-fixture-secret-0123';

interface Question {
  path: string;
  answer: unknown;
}

async function questions(): Promise<Question[]> {
  const files = (await readdir(join(fixtureDir, 'answers'))).filter((f) => f.endsWith('.json')).sort();
  const asked: Question[] = [];
  for (const file of files) {
    const answer = JSON.parse(await readFile(join(fixtureDir, 'answers', file), 'utf8')) as unknown;
    asked.push({ path: pathOf(file), answer });
  }
  return asked;
}

/** The answer files are named after their path: `/agreements/x?asOf=2013-01-01` → `_agreements_x_asOf_2013-01-01`. */
function pathOf(file: string): string {
  const known = [
    '/agreements',
    '/agreements/hampshire-tvp-bilateral',
    '/agreements/hampshire-tvp-bilateral?asOf=2013-01-01',
    '/agreements/zephyr?asOf=2016-03-31',
    '/agreements/zephyr?asOf=2018-01-01',
    '/boards/hampshire-tvp',
    '/streams/board-hampshire-tvp/events',
    '/bodies/gloucestershire/collaborations?asOf=2016-03-31',
    '/boards/hampshire-tvp/compliance?financialYear=2015-16',
    '/alerts?status=open',
    '/alerts?status=acknowledged',
    '/decisions',
    '/savings?by=agreement',
    '/integrity',
  ];
  const path = known.find((p) => `${p.replace(/[^a-zA-Z0-9-]/g, '_')}.json` === file);
  if (!path) throw new Error(`No question is known for answer file ${file}: add its path here.`);
  return path;
}

/**
 * What differs from one writing of the same story to another, for the PostgreSQL fixture, which a second
 * run of the same scenario wrote: ids the server generates, and every time the server's clock stamped
 * (recorded times, and occurredAt where the officer gave none), all on the day the fixture was written.
 */
const RUN_SPECIFIC_KEYS = new Set(['eventId', 'correlationId', 'causationId', 'headHash']);
const serverDay = writtenAt.slice(0, 10);

function withoutRunSpecific(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRunSpecific);
  if (typeof value === 'string' && value.startsWith(`${serverDay}T`)) return '<server time>';
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !RUN_SPECIFIC_KEYS.has(key))
        .map(([key, v]) => [key, withoutRunSpecific(v)]),
    );
  }
  return value;
}

/** The integrity report counts the events; later releases may have appended (migrations that record themselves). */
function expectSameIntegrity(now: Record<string, unknown>, then: Record<string, unknown>): void {
  expect(now.ok).toBe(true);
  expect(Number(now.events)).toBeGreaterThanOrEqual(Number(then.events));
}

/** Rewrites an old answer into what it says in today's shape. */
type Change = { why: string; apply: (answer: unknown) => unknown };

function mapEnvelopes(value: unknown, change: (envelope: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => mapEnvelopes(v, change));
  if (value === null || typeof value !== 'object') return value;
  const object = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapEnvelopes(v, change)]));
  return 'streamId' in object && 'revision' in object && 'actor' in object ? change(object) : object;
}

const DELIBERATE_CHANGES: readonly Change[] = [
  {
    // Issue 13: the actor is stored structured. Text written before is read back, never rewritten: the
    // envelope's actor is parsed from it (kept as legacyText), and actorDisplay shows it as it was.
    why: 'structured actor',
    apply: (answer) =>
      mapEnvelopes(answer, (envelope) =>
        typeof envelope.actor === 'string'
          ? { ...envelope, actor: { legacyText: envelope.actor }, actorDisplay: envelope.actor }
          : envelope,
      ),
  },
];

const asToday = (answer: unknown): unknown => DELIBERATE_CHANGES.reduce((a, change) => change.apply(a), answer);

async function askEverything(api: ApiHarness, exact: boolean): Promise<void> {
  for (const { path, answer } of await questions()) {
    const res = await api.admin.get(path);
    const expected = asToday(answer) as Record<string, unknown>;
    if ('status' in expected && typeof expected.status === 'number') {
      expect({ path, status: res.status }).toEqual({ path, status: expected.status });
      continue;
    }
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    if (path === '/integrity') {
      expectSameIntegrity(res.body as Record<string, unknown>, expected);
      continue;
    }
    const [now, then] = exact
      ? [bodyOf<unknown>(res), expected]
      : [withoutRunSpecific(res.body), withoutRunSpecific(expected)];
    expect({ path, answer: now }).toMatchObject({ path, answer: then as object });
  }
}

async function verify(config: AppConfig): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await runCli(['verify'], {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => out.push(t), isTTY: false },
    config,
  });
  return { code, out: out.join('') };
}

async function rebuild(config: AppConfig): Promise<void> {
  const out: string[] = [];
  const code = await runCli(['rebuild'], {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => out.push(t), isTTY: false },
    config,
  });
  expect({ code, out: out.join('') }).toMatchObject({ code: 0 });
}

async function caughtUp(api: ApiHarness): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const health = await api.http.get('/health');
    const body = bodyOf<Partial<HealthBody>>(health);
    const projections = (body.info?.projections ?? body.details?.projections)?.projections;
    if (health.status === 200 && projections?.every((p) => p.lag === 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the read models did not catch up: ${JSON.stringify((await api.http.get('/health')).body)}`);
}

/**
 * Opens the database with the current code and asks every question; then, the service stopped, verifies
 * the chain with the CLI, rebuilds every read model from the old log, opens it again and asks again.
 */
async function openVerifyRebuild(env: Record<string, string>, exact: boolean): Promise<void> {
  for (const step of ['as opened', 'after a rebuild']) {
    if (step === 'after a rebuild') {
      const config = loadConfig(env);
      expect(await verify(config)).toMatchObject({ code: 0 });
      await rebuild(config);
    }
    const api = await startApi(env, { now: writtenAt });
    try {
      await caughtUp(api);
      await askEverything(api, exact);
    } finally {
      await api.close();
    }
  }
}

describe('a PGlite data directory written by release 0.1.0', () => {
  let dir: string;
  let dataDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'release-0.1.0-'));
    await execFileAsync('tar', ['-xJf', join(fixtureDir, 'pglite-data.tar.xz'), '-C', dir]);
    dataDir = join(dir, 'data');
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('opens, verifies, and answers the old questions as that release did, before and after a rebuild', async () => {
    await openVerifyRebuild({ DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET }, true);
  }, 180_000);
});

postgresDriver.describe('a PostgreSQL database written by release 0.1.0', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await postgresDriver.create();
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
  }, 60_000);
  afterAll(async () => {
    await database?.dispose();
  });

  test('opens, verifies, and answers the old questions as that release did, before and after a rebuild', async () => {
    await openVerifyRebuild({ DATABASE_URL: database.url as string, AUTH_JWT_SECRET: SECRET }, false);
  }, 180_000);
});
