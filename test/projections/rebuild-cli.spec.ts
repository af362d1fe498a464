import { afterEach, expect, test } from '@jest/globals';
import { readCheckpoint, PgliteDatabase, type Position } from '#event-store';
import { loadConfig } from '#config';
import { ProjectionRunner, ProjectionStatus, silentLogger } from '#projections';
import { runCli } from '../../apps/cli/src/cli.js';
import { pgliteDriver, postgresDriver, type TestDatabase } from '../support/db.js';
import { appendMany, countingProjection, expectedCounts, openStore, snapshot } from './support.js';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: (config: ReturnType<typeof loadConfig>) => ({
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false },
      config,
      projections: [countingProjection()],
    }),
  };
};

let database: TestDatabase | null = null;
afterEach(async () => {
  await database?.dispose();
  database = null;
});

test('the CLI explains itself and refuses an unknown projection with the known names', async () => {
  const c = capture();
  const config = loadConfig({});
  expect(await runCli(['help'], c.io(config))).toBe(0);
  expect(c.out.join('')).toMatch(/rebuild \[projection \.\.\.\]\s+Rebuild read models/);
  expect(await runCli(['rebuild', 'nope'], c.io(config))).toBe(2);
  expect(c.err.join('')).toContain('Unknown projection "nope": choose from stream-counts.');
  expect(await runCli(['frobnicate'], c.io(config))).toBe(2);
});

postgresDriver.describe('npm run cli -- rebuild on PostgreSQL', () => {
  test('rebuilds while a runner keeps the live tables, shows progress and prints the final count', async () => {
    database = await postgresDriver.create();
    const { db } = database;
    const store = await openStore(db);
    const projection = countingProjection();
    await appendMany(store, 300, 'a');
    const runner = new ProjectionRunner(db, store, [projection], { logger: silentLogger });
    await runner.start();
    const status = new ProjectionStatus(db, store, [projection], runner);
    await status.waitForPosition((await store.headPosition()) as Position);
    const live = await snapshot(db);

    const c = capture();
    const code = await runCli(['rebuild', 'stream-counts'], c.io(loadConfig({ DATABASE_URL: database.url as string })));
    expect(c.err.join('')).not.toContain('failed');
    expect(code).toBe(0);
    expect(c.err.join('')).toMatch(/stream-counts \[#+\] 100% 300\/300 events \d+ events\/s/);
    expect(c.out.join('')).toContain(
      'rebuilt stream-counts (version 1): 300 events read, 240 applied, 0 parked, checkpoint 300',
    );
    expect(c.out.join('')).toContain('1 read model rebuilt from 300 events.');
    expect(await snapshot(db)).toEqual(live);

    const more = await appendMany(store, 10, 'b');
    await status.waitForPosition(more);
    expect((await snapshot(db)).applied).toBe(248);
    await status.close();
    await runner.stop();
    await store.close();
  });
});

test('npm run cli -- rebuild on an embedded data directory (the API stopped)', async () => {
  database = await pgliteDriver.create({ onDisk: true });
  const store = await openStore(database.db);
  await appendMany(store, 50, 'a');
  await store.close();
  await database.db.close();

  const c = capture();
  expect(await runCli(['rebuild'], c.io(loadConfig({ DATA_DIR: database.dataDir as string })))).toBe(0);
  expect(c.out.join('')).toContain('1 read model rebuilt from 50 events.');

  const reopened = await PgliteDatabase.open({ dataDir: database.dataDir });
  try {
    expect(await snapshot(reopened)).toEqual({ counts: expectedCounts(50), applied: 40, duplicates: 0 });
    expect((await readCheckpoint(reopened, 'stream-counts'))?.position).toBe('50');
  } finally {
    await reopened.close();
  }
});
