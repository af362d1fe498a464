import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readCheckpoint, type Position, type SqlDatabase, type SqlEventStore } from '#event-store';
import {
  ProjectionRunner,
  ProjectionStatus,
  ensureProjectionCheckpoint,
  ensureProjectionSchema,
  lockProjection,
  moveCheckpointAlone,
  rebuildProjection,
  silentLogger,
  type ProjectionRunnerOptions,
} from '#projections';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { appendMany, countingProjection, expectedCounts, openStore, snapshot, until } from './support.js';

const fast: ProjectionRunnerOptions = {
  batchSize: 20,
  retryDelayMs: 5,
  standbyDelayMs: 10,
  restartDelayMs: 20,
  logger: silentLogger,
};

/** What only a server shows: several processes on one database, and a connection killed mid-transaction. */
postgresDriver.describe('projection runner with several PostgreSQL connections', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: SqlEventStore;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    database = await postgresDriver.create();
    db = database.db;
    store = await openStore(db);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
    await database.dispose();
  });

  /** Another instance: its own pool and its own event store. */
  const instance = async (options: ProjectionRunnerOptions = {}) => {
    const own = await database.connect();
    const ownStore = await openStore(own);
    const runner = new ProjectionRunner(own, ownStore, [countingProjection()], { ...fast, ...options });
    await runner.start();
    cleanups.push(async () => {
      await runner.stop();
      await ownStore.close();
    });
    return runner;
  };

  test('a batch the projection handles none of moves the checkpoint alone: only forward, not while another instance holds the lock, not at another version', async () => {
    const projection = countingProjection();
    await ensureProjectionSchema(db, [projection]);
    await ensureProjectionCheckpoint(db, projection);
    const at = async () => (await readCheckpoint(db, projection.name))?.position;
    expect(await moveCheckpointAlone(db, projection, '10' as Position, true)).toBe(true);
    expect(await at()).toBe('10');
    expect(await moveCheckpointAlone(db, projection, '7' as Position, true)).toBe(false);
    expect(await at()).toBe('10');
    // Another instance in the middle of a batch holds the lock: nothing moves (the runner then stands by).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const other = await database.connect();
    const batch = other.transaction(async (tx) => {
      await lockProjection(tx, projection.name);
      locked();
      await held;
    });
    await isLocked;
    expect(await moveCheckpointAlone(db, projection, '12' as Position, true)).toBe(false);
    expect(await at()).toBe('10');
    release();
    await batch;
    await other.close();
    expect(await moveCheckpointAlone(db, projection, '12' as Position, true)).toBe(true);
    // A rebuild by newer code changed the version: this code's runner must not move it.
    expect(await moveCheckpointAlone(db, countingProjection({ version: 2 }), '13' as Position, true)).toBe(false);
    expect(await at()).toBe('12');
  });

  for (const advisoryLock of [true, false]) {
    test(`two instances running the same projection never apply an event twice (advisory lock ${advisoryLock ? 'on' : 'off: the checkpoint row alone'})`, async () => {
      await appendMany(store, 100, 'a');
      await Promise.all([instance({ advisoryLock }), instance({ advisoryLock })]);
      // Writers keep going while both instances follow the log.
      await Promise.all([appendMany(store, 80, 'b'), appendMany(store, 80, 'c')]);
      const head = (await store.headPosition()) as Position;
      const status = new ProjectionStatus(db, store, [countingProjection()]);
      cleanups.push(() => status.close());
      await status.waitForPosition(head, { timeoutMs: 20_000 });

      const expected = expectedCounts(100).map((c, i) => ({
        ...c,
        events: c.events + 2 * expectedCounts(80)[i]!.events,
      }));
      expect(await snapshot(db)).toEqual({ counts: expected, applied: 80 + 64 + 64, duplicates: 0 });
    });
  }

  test('a connection killed by the server in the middle of a batch loses nothing and applies nothing twice', async () => {
    await appendMany(store, 120, 'a');
    let killed = false;
    const runner = await instance({
      hooks: {
        // After the batch's rows are written and before its checkpoint: the server ends the session.
        afterApply: async (_name, _events, tx) => {
          if (killed) return;
          killed = true;
          // The runner sees what a crashed database session gives it: the checkpoint write fails.
          await tx.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
        },
      },
    });
    const head = (await store.headPosition()) as Position;
    await until(
      async () => (await readCheckpoint(db, 'stream-counts'))?.position === head,
      15_000,
      'catch-up after the kill',
    );
    expect(killed).toBe(true);
    expect(runner.states()['stream-counts']).toBe('running');
    const live = await snapshot(db);
    expect(live).toEqual({ counts: expectedCounts(120), applied: 96, duplicates: 0 });

    await rebuildProjection(db, store, countingProjection());
    expect(await snapshot(db)).toEqual(live);
  });
});
