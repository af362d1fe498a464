import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { listParked, readCheckpoint, type Position, type SqlDatabase, type StoredEvent } from '#event-store';
import {
  ProjectionLagError,
  ProjectionRebuildingError,
  ProjectionRunner,
  ProjectionStatus,
  rebuildProjection,
  silentLogger,
  type ProjectionRunnerOptions,
  type SqlProjection,
} from '#projections';
import { testDrivers, type TestDatabase } from '../support/db.js';
import {
  appendMany,
  batches,
  countingProjection,
  expectedCounts,
  openStore,
  RecordingLogger,
  snapshot,
  until,
} from './support.js';
import type { SqlEventStore } from '#event-store';

const fast: ProjectionRunnerOptions = {
  batchSize: 50,
  retryDelayMs: 5,
  standbyDelayMs: 30,
  restartDelayMs: 30,
  logger: silentLogger,
};

for (const driver of testDrivers) {
  driver.describe(`projection runner on ${driver.name}`, () => {
    let database: TestDatabase;
    let db: SqlDatabase;
    let store: SqlEventStore;
    const cleanups: (() => Promise<void>)[] = [];

    beforeEach(async () => {
      database = await driver.create();
      db = database.db;
      store = await openStore(db);
    });

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await store.close();
      await database.dispose();
    });

    const startRunner = async (
      projections: SqlProjection[],
      options: ProjectionRunnerOptions = {},
      on = db,
      with_ = store,
    ) => {
      const runner = new ProjectionRunner(on, with_, projections, { ...fast, ...options });
      await runner.start();
      cleanups.push(() => runner.stop());
      return runner;
    };

    const statusOf = (projections: SqlProjection[], runner: ProjectionRunner | null = null) => {
      const status = new ProjectionStatus(db, store, projections, runner);
      cleanups.push(() => status.close());
      return status;
    };

    test('a read of a read model whose live tables an older version built is refused until the rebuild is done', async () => {
      const built = countingProjection({ version: 1 });
      // Never started (no checkpoint): read as it is.
      await expect(statusOf([built]).assertCurrent(['stream-counts'])).resolves.toBeUndefined();
      await appendMany(store, 10, 'a');
      const runner = await startRunner([built]);
      await statusOf([built], runner).waitForPosition((await store.headPosition()) as Position);
      await runner.stop();

      // A newer release (version 2) reads before its rebuild has run: refused, naming both versions.
      const newer = statusOf([countingProjection({ version: 2 })]);
      const refused = await newer.assertCurrent(['stream-counts']).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ProjectionRebuildingError);
      expect((refused as ProjectionRebuildingError).rebuilding).toEqual([
        { name: 'stream-counts', version: 2, storedVersion: 1 },
      ]);
      // The release that built the tables reads them.
      await expect(statusOf([built]).assertCurrent(['stream-counts'])).resolves.toBeUndefined();
    });

    test('catches up from the start, follows live appends, and resumes from its checkpoint after a restart', async () => {
      const projection = countingProjection();
      await appendMany(store, 120, 'a');
      const runner = await startRunner([projection]);
      const status = statusOf([projection], runner);

      await status.waitForPosition((await store.headPosition()) as Position);
      expect(await snapshot(db)).toEqual({ counts: expectedCounts(120), applied: 96, duplicates: 0 });

      const live = await appendMany(store, 30, 'b');
      await status.waitForPosition(live);
      expect((await snapshot(db)).applied).toBe(96 + 24);

      await runner.stop();
      const whileStopped = await appendMany(store, 40, 'c');
      const restarted = await startRunner([projection]);
      await statusOf([projection], restarted).waitForPosition(whileStopped);
      const after = await snapshot(db);
      expect(after.applied).toBe(96 + 24 + 32);
      expect(after.duplicates).toBe(0);
      expect((await readCheckpoint(db, projection.name))?.position).toBe(whileStopped);
    });

    test('a crash between writing rows and writing the checkpoint loses nothing and applies nothing twice', async () => {
      await appendMany(store, 200, 'a');
      let batches = 0;
      const crashing = await startRunner([countingProjection()], {
        hooks: {
          afterApply: () => {
            if (++batches === 3) throw new Error('process killed');
          },
        },
      });
      await until(() => crashing.states()['stream-counts'] === 'failed', 10_000, 'the crash');
      // The third batch's rows were rolled back with its checkpoint: rows match the checkpoint exactly.
      const checkpoint = await readCheckpoint(db, 'stream-counts');
      expect(checkpoint?.position).toBe('100');
      const atCrash = await snapshot(db);
      expect(atCrash.applied).toBe(80);
      await crashing.stop();

      const restarted = await startRunner([countingProjection()]);
      const head = (await store.headPosition()) as Position;
      await statusOf([countingProjection()], restarted).waitForPosition(head);
      const live = await snapshot(db);
      expect(live).toEqual({ counts: expectedCounts(200), applied: 160, duplicates: 0 });

      await restarted.stop();
      await rebuildProjection(db, store, countingProjection());
      expect(await snapshot(db)).toEqual(live);
    });

    test('a transient failure in the middle of a batch rolls the batch back and applies each event once', async () => {
      await appendMany(store, 60, 'a');
      const failedOnce = new Set<string>();
      const flaky = countingProjection({
        failOn: (e: StoredEvent) => {
          if (e.position !== '23' || failedOnce.has(e.eventId)) return false;
          failedOnce.add(e.eventId);
          return true;
        },
      });
      const runner = await startRunner([flaky]);
      await statusOf([flaky], runner).waitForPosition((await store.headPosition()) as Position);
      expect(await snapshot(db)).toEqual({ counts: expectedCounts(60), applied: 48, duplicates: 0 });
      expect(await listParked(db)).toEqual([]);
    });

    test('a database failure is retried from the checkpoint, never parked', async () => {
      await appendMany(store, 30, 'a');
      let failures = 0;
      const outage = countingProjection({
        failOn: (e) => e.position === '12' && failures++ < 5,
      });
      const projection: SqlProjection = {
        ...outage,
        apply: async (ctx, e) => {
          try {
            await outage.apply(ctx, e);
          } catch {
            throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
          }
        },
      };
      const runner = await startRunner([projection], { maxAttempts: 2 });
      await statusOf([projection], runner).waitForPosition((await store.headPosition()) as Position);
      expect(failures).toBeGreaterThan(2);
      expect(await listParked(db)).toEqual([]);
      expect(await snapshot(db)).toEqual({ counts: expectedCounts(30), applied: 24, duplicates: 0 });
    });

    test('a poison event is parked, logged and reported, and the projection goes on', async () => {
      await appendMany(store, 10, 'a');
      const poison = await store.append('tick-poison', [{ type: 'Poisoned', occurredAt: '2016-03-03', data: {} }], {
        expectedRevision: 'any',
        actor: 'test',
      });
      const after = await appendMany(store, 10, 'b');
      const logger = new RecordingLogger();
      const projection = countingProjection({ failOn: (e) => e.type === 'Poisoned' });
      const runner = await startRunner([projection], { logger, maxAttempts: 3 });
      const status = statusOf([projection], runner);

      await status.waitForPosition(after);
      expect(await snapshot(db)).toEqual({
        counts: expectedCounts(10).map((c) => ({ ...c, events: c.events * 2 })),
        applied: 16,
        duplicates: 0,
      });

      const parked = await listParked(db, projection.name);
      expect(parked).toEqual([
        expect.objectContaining({
          name: 'stream-counts',
          position: poison.lastPosition,
          type: 'Poisoned',
          streamId: 'tick-poison',
        }),
      ]);
      expect(parked[0]!.error).toContain('cannot count Poisoned');
      expect(logger.errors().join('\n')).toMatch(
        /parked event .* \(Poisoned in tick-poison at position 11\) after 3 tries/,
      );

      const [report] = await status.report();
      expect(report).toMatchObject({
        name: 'stream-counts',
        parked: 1,
        position: after,
        lag: 0,
        status: 'running',
        runner: 'running',
      });
      expect(report!.lastError?.message).toContain('cannot count Poisoned');
      const health = await status.health();
      expect(health.healthy).toBe(false);
      expect(health.problems).toEqual([expect.stringContaining('stream-counts has 1 parked event')]);
    });

    test('a poison event in a batch applied set-based (applyBatch) is found by retrying the batch event by event, parked, and the rest applied once', async () => {
      await appendMany(store, 10, 'a');
      const poison = await store.append('tick-poison', [{ type: 'Poisoned', occurredAt: '2016-03-03', data: {} }], {
        expectedRevision: 'any',
        actor: 'test',
      });
      const after = await appendMany(store, 10, 'b');
      const logger = new RecordingLogger();
      const projection = countingProjection({ failOn: (e) => e.type === 'Poisoned', batched: true });
      batches.length = 0;
      const runner = await startRunner([projection], { logger, maxAttempts: 2, batchSize: 500 });
      const status = statusOf([projection], runner);

      await status.waitForPosition(after);
      expect(batches[0]).toBe(17); // the whole log (16 handled + the poison) went in one batch first
      expect(await snapshot(db)).toEqual({
        counts: expectedCounts(10).map((c) => ({ ...c, events: c.events * 2 })),
        applied: 16,
        duplicates: 0,
      });
      expect(await listParked(db, projection.name)).toEqual([
        expect.objectContaining({
          name: 'stream-counts',
          position: poison.lastPosition,
          type: 'Poisoned',
          streamId: 'tick-poison',
        }),
      ]);
      expect(logger.errors().join('\n')).toMatch(
        /parked event .* \(Poisoned in tick-poison at position 11\) after 2 tries/,
      );

      // A rebuild through the same batched path parks it too and ends with the same rows.
      await runner.stop();
      const live = await snapshot(db);
      const result = await rebuildProjection(db, store, projection, {
        batchSize: 500,
        retryDelayMs: 1,
        maxAttempts: 2,
      });
      expect(result).toMatchObject({ eventsRead: 21, eventsApplied: 16, parked: 1 });
      expect(await snapshot(db)).toEqual(live);
      expect(await listParked(db, projection.name)).toEqual([
        expect.objectContaining({ position: poison.lastPosition, type: 'Poisoned' }),
      ]);
    });

    test('waitForPosition gives up after its timeout with the lag, and resolves once the projection catches up', async () => {
      const projection = countingProjection();
      const head = await appendMany(store, 25, 'a');
      const status = statusOf([projection]);
      const waited = await status.waitForPosition(head, { timeoutMs: 150 }).catch((error: unknown) => error);
      expect(waited).toBeInstanceOf(ProjectionLagError);
      expect((waited as ProjectionLagError).lagging).toEqual([{ name: 'stream-counts', position: null, behind: 25 }]);
      expect((waited as ProjectionLagError).message).toMatch(/within 150 ms/);

      const pending = status.waitForPosition(head, { timeoutMs: 5000 });
      await startRunner([projection]);
      await expect(pending).resolves.toBeUndefined();
    });

    test('a rebuild builds new tables while the old ones serve, swaps them in, and equals the live read model', async () => {
      const projection = countingProjection();
      await appendMany(store, 150, 'a');
      const runner = await startRunner([projection]);
      const status = statusOf([projection], runner);
      await status.waitForPosition((await store.headPosition()) as Position);
      const live = await snapshot(db);

      // Writers keep appending and the live runner keeps applying while the rebuild reads the log.
      let served = 0;
      const reads: Promise<void>[] = [];
      const writing = appendMany(store, 60, 'b');
      const result = await rebuildProjection(db, store, projection, {
        batchSize: 40,
        // Progress is reported, not awaited: each report reads the live table, and the test awaits the reads.
        onProgress: () => {
          reads.push(
            db.query<{ n: string }>('SELECT count(*)::text AS n FROM stream_applied').then(({ rows }) => {
              if (Number(rows[0]!.n) >= live.applied) served++;
            }),
          );
        },
      });
      await Promise.all([writing, ...reads]);
      expect(served).toBeGreaterThan(0);
      expect(result.eventsRead).toBeGreaterThanOrEqual(150);

      const head = (await store.headPosition()) as Position;
      await status.waitForPosition(head);
      const afterRebuild = await snapshot(db);
      expect(afterRebuild).toEqual({
        counts: expectedCounts(150).map((c, i) => ({ ...c, events: c.events + expectedCounts(60)[i]!.events })),
        applied: 120 + 48,
        duplicates: 0,
      });

      // Built live from scratch on another name gives the same rows.
      await runner.stop();
      const liveRows = await snapshot(db);
      await db.query("DELETE FROM processor_checkpoints WHERE kind = 'projection'");
      await db.query('TRUNCATE stream_counts, stream_applied');
      const fresh = await startRunner([projection]);
      await statusOf([projection], fresh).waitForPosition(head);
      expect(await snapshot(db)).toEqual(liveRows);

      // The swapped-in table kept its index under the live name, so the next rebuild can build its own.
      const { rows: indexes } = await db.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'stream_applied' ORDER BY indexname",
      );
      expect(indexes.map((i) => i.indexname)).toEqual(['stream_applied_position_idx']);
      await fresh.stop();
      await rebuildProjection(db, store, projection);
      expect(await snapshot(db)).toEqual(liveRows);
    });

    test('a new version of a projection is rebuilt on start; older code does not run it', async () => {
      await appendMany(store, 40, 'a');
      const v1 = await startRunner([countingProjection({ version: 1 })]);
      await statusOf([countingProjection()], v1).waitForPosition((await store.headPosition()) as Position);
      await v1.stop();

      const v2 = countingProjection({ version: 2, weight: 10 });
      const runner = await startRunner([v2]);
      await until(async () => (await readCheckpoint(db, v2.name))?.version === 2, 10_000, 'version 2');
      await statusOf([v2], runner).waitForPosition((await store.headPosition()) as Position);
      expect((await snapshot(db)).counts).toEqual(expectedCounts(40).map((c) => ({ ...c, events: c.events * 10 })));
      await runner.stop();

      const logger = new RecordingLogger();
      const old = await startRunner([countingProjection({ version: 1 })], { logger });
      await until(() => old.states()['stream-counts'] === 'waiting', 5000, 'old code to wait');
      expect(logger.lines.map((l) => l.message).join('\n')).toMatch(/version 2, newer than this code's 1/);
    });
  });
}
