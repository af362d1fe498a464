/**
 * processing/0001-processor-checkpoints on a database whose projection checkpoints were still decimal
 * bigints (the SQL store's positions, before projections-002): they are carried into
 * processor_checkpoints as position keys, and the runner resumes from them.
 */
import { afterEach, expect, test } from '@jest/globals';
import { listParked, migrateProcessors, readCheckpoint, type Position, type SqlDatabase } from '#event-store';
import {
  ProjectionRunner,
  ProjectionStatus,
  createProjectionTables,
  liveTable,
  moveCheckpointAlone,
  silentLogger,
} from '#projections';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { appendMany, countingProjection, openStore, snapshot } from './support.js';

for (const driver of testDrivers) {
  driver.describe(`checkpoint positions migrated to keys on ${driver.name}`, () => {
    let database: TestDatabase;
    afterEach(() => database.dispose());

    /** The bookkeeping tables as migration projections-001 created them, with bigint positions. */
    const oldShape = async (db: SqlDatabase): Promise<void> => {
      await db.query(`CREATE TABLE projection_checkpoints (
        name text PRIMARY KEY, position bigint, version integer NOT NULL, status text NOT NULL DEFAULT 'running',
        updated_at timestamptz NOT NULL DEFAULT now(), rebuild_heartbeat_at timestamptz, last_error text,
        last_error_at timestamptz)`);
      await db.query(`CREATE TABLE projection_parked (
        name text NOT NULL, position bigint NOT NULL, event_id text NOT NULL, type text NOT NULL,
        stream_id text NOT NULL, error text NOT NULL, parked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, position))`);
      const { rows } = await db.query<{ data_type: string }>(
        "SELECT data_type FROM information_schema.columns WHERE table_name = 'projection_checkpoints' AND column_name = 'position'",
      );
      expect(rows).toEqual([{ data_type: 'bigint' }]);
    };

    test('existing bigint checkpoints and parked events become zero-padded keys in text COLLATE "C", read back as the positions they were', async () => {
      database = await driver.create();
      const { db } = database;
      await oldShape(db);
      await db.query(
        `INSERT INTO projection_checkpoints (name, position, version) VALUES ('at-769', 769, 1), ('at-9', 9, 1), ('at-10', 10, 1), ('nothing-yet', NULL, 1)`,
      );
      await db.query(
        `INSERT INTO projection_parked (name, position, event_id, type, stream_id, error) VALUES ('at-769', 42, 'e42', 'Poisoned', 's', 'boom')`,
      );

      expect(await migrateProcessors(db)).toEqual(['processing/0001-processor-checkpoints']);

      const columns = await db.query<{ table_name: string; data_type: string; collation_name: string }>(
        `SELECT table_name, data_type, collation_name FROM information_schema.columns
          WHERE table_name IN ('processor_checkpoints', 'processor_parked') AND column_name = 'position' ORDER BY table_name`,
      );
      expect(columns.rows).toEqual([
        { table_name: 'processor_checkpoints', data_type: 'text', collation_name: 'C' },
        { table_name: 'processor_parked', data_type: 'text', collation_name: 'C' },
      ]);
      const stored = await db.query<{ name: string; kind: string; position: string | null }>(
        'SELECT name, kind, position FROM processor_checkpoints ORDER BY position, name',
      );
      expect(stored.rows).toEqual([
        { name: 'at-9', kind: 'projection', position: '00000000000000000009' },
        { name: 'at-10', kind: 'projection', position: '00000000000000000010' },
        { name: 'at-769', kind: 'projection', position: '00000000000000000769' },
        { name: 'nothing-yet', kind: 'projection', position: null },
      ]);
      // The old tables are gone: nothing can read a stale checkpoint from them.
      const old = await db.query<{ found: boolean }>(
        "SELECT to_regclass('projection_checkpoints') IS NULL AND to_regclass('projection_parked') IS NULL AS found",
      );
      expect(old.rows).toEqual([{ found: true }]);
      expect((await readCheckpoint(db, 'at-769'))?.position).toBe('769');
      expect((await readCheckpoint(db, 'nothing-yet'))?.position).toBeNull();
      expect(await listParked(db)).toEqual([
        expect.objectContaining({ name: 'at-769', position: '42', eventId: 'e42' }),
      ]);
      // Applied once: a second start changes nothing.
      expect(await migrateProcessors(db)).toEqual([]);
    });

    test('a runner resumes after a checkpoint migrated from bigint, and moves it in log order (10 after 9)', async () => {
      database = await driver.create();
      const { db } = database;
      const store = await openStore(db);
      try {
        const head = await appendMany(store, 30, 'a');
        const projection = countingProjection();
        await oldShape(db);
        await db.transaction((tx) => createProjectionTables(tx, projection, liveTable));
        await db.query('INSERT INTO projection_checkpoints (name, position, version) VALUES ($1, 20, 1)', [
          projection.name,
        ]);

        const runner = new ProjectionRunner(db, store, [projection], { logger: silentLogger });
        const status = new ProjectionStatus(db, store, [projection], runner);
        await runner.start();
        await status.waitForPosition(head, { timeoutMs: 10_000 });
        await runner.stop();
        await status.close();
        // Events 21 to 30 only: 8 of them are handled (every fifth is of a type it ignores).
        expect(await snapshot(db)).toEqual({
          counts: [
            { stream_kind: 'tick', events: 4 },
            { stream_kind: 'tock', events: 4 },
          ],
          applied: 8,
          duplicates: 0,
        });
        expect((await readCheckpoint(db, projection.name))?.position).toBe('30');

        // Compared as text without the padding, '100' would come before '30'.
        expect(await moveCheckpointAlone(db, projection, '100' as Position, true)).toBe(true);
        expect(await moveCheckpointAlone(db, projection, '99' as Position, true)).toBe(false);
        expect((await readCheckpoint(db, projection.name))?.position).toBe('100');
      } finally {
        await store.close();
      }
    });
  });
}
