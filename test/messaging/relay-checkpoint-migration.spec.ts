// A database from before position keys: relay_checkpoints.position was a bigint. Migration
// processing/0001 carries it into processor_checkpoints as the key of the same position, which the
// relay reads back unchanged and which still compares in log order with the keys written after it.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { migrateEventStore, migrateProcessors, SqlEventStore } from '#event-store';
import { RelayCheckpoints } from '#messaging';
import { testDrivers, type TestDatabase } from '../support/db.js';

for (const driver of testDrivers) {
  driver.describe(`relay checkpoints of an existing database (${driver.name})`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;

    beforeEach(async () => {
      database = await driver.create();
      await migrateEventStore(database.db);
      store = new SqlEventStore(database.db);
    });

    afterEach(async () => {
      await store.close();
      await database.dispose();
    });

    test('an old bigint checkpoint is converted to its key, read back as the same position and never moved back', async () => {
      // relay_checkpoints as migration messaging/0001 created it, with bigint positions.
      await database.db.query(`CREATE TABLE relay_checkpoints (
        name text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
      await database.db.query(
        "INSERT INTO relay_checkpoints (name, position) VALUES ('kafka-relay', 769), ('other', 9)",
      );

      expect(await migrateProcessors(database.db)).toEqual(['processing/0001-processor-checkpoints']);
      const { rows: columns } = await database.db.query<{ type: string; collation: string | null }>(
        `SELECT data_type AS type, collation_name AS collation FROM information_schema.columns
          WHERE table_name = 'processor_checkpoints' AND column_name = 'position'`,
      );
      expect(columns).toEqual([{ type: 'text', collation: 'C' }]);
      const { rows } = await database.db.query<{ name: string; kind: string; position: string }>(
        'SELECT name, kind, position FROM processor_checkpoints ORDER BY name',
      );
      expect(rows).toEqual([
        { name: 'kafka-relay', kind: 'relay', position: '00000000000000000769' },
        { name: 'other', kind: 'relay', position: '00000000000000000009' },
      ]);

      const checkpoints = new RelayCheckpoints(database.db);
      expect(await checkpoints.load('kafka-relay')).toBe('769');
      expect(await checkpoints.load('other')).toBe('9');
      // 80 sorts after 769 as plain text, not in the log: the converted row is not moved back.
      await checkpoints.save('kafka-relay', store.parsePosition('80'));
      expect(await checkpoints.load('kafka-relay')).toBe('769');
      await checkpoints.save('kafka-relay', store.parsePosition('1000'));
      expect(await checkpoints.load('kafka-relay')).toBe('1000');
      await checkpoints.save('other', store.parsePosition('10'));
      expect(await checkpoints.load('other')).toBe('10');
    });
  });
}
