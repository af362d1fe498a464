/**
 * projections-002-position-keys: a database whose checkpoints were decimal bigints (the SQL store's
 * positions) keeps them, as position keys, and the runner resumes from them.
 */
import { afterEach, expect, test } from '@jest/globals';
import { runMigrations, type Position, type SqlDatabase } from '#event-store';
import {
  PROJECTION_MIGRATIONS,
  ProjectionRunner,
  ProjectionStatus,
  createProjectionTables,
  listParked,
  liveTable,
  moveCheckpointAlone,
  readCheckpoint,
  silentLogger,
} from '#projections';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { appendMany, countingProjection, openStore, snapshot } from './support.js';

for (const driver of testDrivers) {
  driver.describe(`checkpoint positions migrated to keys on ${driver.name}`, () => {
    let database: TestDatabase;
    afterEach(() => database.dispose());

    /** The bookkeeping tables as the first migration left them, with bigint positions. */
    const oldShape = async (db: SqlDatabase): Promise<void> => {
      expect(await runMigrations(db, [PROJECTION_MIGRATIONS[0]])).toEqual(['projections-001-checkpoints']);
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

      expect(await runMigrations(db, PROJECTION_MIGRATIONS)).toEqual(['projections-002-position-keys']);

      const columns = await db.query<{ table_name: string; data_type: string; collation_name: string }>(
        `SELECT table_name, data_type, collation_name FROM information_schema.columns
          WHERE table_name IN ('projection_checkpoints', 'projection_parked') AND column_name = 'position' ORDER BY table_name`,
      );
      expect(columns.rows).toEqual([
        { table_name: 'projection_checkpoints', data_type: 'text', collation_name: 'C' },
        { table_name: 'projection_parked', data_type: 'text', collation_name: 'C' },
      ]);
      const stored = await db.query<{ name: string; position: string | null }>(
        'SELECT name, position FROM projection_checkpoints ORDER BY position, name',
      );
      expect(stored.rows).toEqual([
        { name: 'at-9', position: '00000000000000000009' },
        { name: 'at-10', position: '00000000000000000010' },
        { name: 'at-769', position: '00000000000000000769' },
        { name: 'nothing-yet', position: null },
      ]);
      expect((await readCheckpoint(db, 'at-769'))?.position).toBe('769');
      expect((await readCheckpoint(db, 'nothing-yet'))?.position).toBeNull();
      expect(await listParked(db)).toEqual([
        expect.objectContaining({ name: 'at-769', position: '42', eventId: 'e42' }),
      ]);
      // Applied once: a second start changes nothing.
      expect(await runMigrations(db, PROJECTION_MIGRATIONS)).toEqual([]);
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
