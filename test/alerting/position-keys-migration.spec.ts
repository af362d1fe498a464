// Databases from before position keys: the compliance checkpoint was a bigint column (converted by
// migration alerting/0002) and the alerts read model kept `last_position` as a bigint (version 1,
// rebuilt by the projection runner when it meets version 2).
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readCheckpoint, type SqlDatabase, type SqlEventStore } from '#event-store';
import { ProjectionRunner, silentLogger, type SqlProjection } from '#projections';
import {
  alertsProjection,
  COMPLIANCE_SUBJECT_PROJECTIONS,
  ComplianceTrigger,
  listAlerts,
  migrateAlerting,
} from '#alerting';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { evaluatorFor, MovableClock, openStore, Recorder, until, stopReadModels } from './support.js';

/** The column's type and collation, as PostgreSQL reports them. */
async function columnType(
  db: SqlDatabase,
  table: string,
  column: string,
): Promise<{ type: string; collation: string | null }> {
  const { rows } = await db.query<{ type: string; collation: string | null }>(
    `SELECT data_type AS type, collation_name AS collation FROM information_schema.columns
      WHERE table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return rows[0]!;
}

for (const driver of testDrivers) {
  driver.describe(`position keys in the alerting tables of an existing database (${driver.name})`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;

    beforeEach(async () => {
      database = await driver.create();
      store = await openStore(database.db);
    });

    afterEach(async () => {
      await stopReadModels(store);
      await store.close();
      await database.dispose();
    });

    test('an old bigint compliance checkpoint is converted to its key and read back as the same position', async () => {
      // compliance_checkpoints as migration alerting/0001 created it, with bigint positions.
      await database.db.query(`CREATE TABLE compliance_checkpoints (
        name text PRIMARY KEY, position bigint, updated_at timestamptz NOT NULL DEFAULT now(),
        last_error text, last_error_at timestamptz)`);
      await database.db.query(
        "INSERT INTO compliance_checkpoints (name, position) VALUES ('compliance-evaluator', 769), ('idle', NULL)",
      );

      expect(await migrateAlerting(database.db)).toEqual(['processing/0001-processor-checkpoints']);
      expect(await columnType(database.db, 'processor_checkpoints', 'position')).toEqual({
        type: 'text',
        collation: 'C',
      });
      const { rows } = await database.db.query<{ name: string; kind: string; position: string | null }>(
        'SELECT name, kind, position FROM processor_checkpoints ORDER BY name',
      );
      expect(rows).toEqual([
        { name: 'compliance-evaluator', kind: 'reactor', position: '00000000000000000769' },
        { name: 'idle', kind: 'reactor', position: null },
      ]);
      const evaluator = await evaluatorFor(store, database.db, new MovableClock('2015-01-01'));
      expect(await new ComplianceTrigger(database.db, store, evaluator).checkpoint()).toBe('769');
      expect(await new ComplianceTrigger(database.db, store, evaluator, { name: 'idle' }).checkpoint()).toBeNull();
      expect(await migrateAlerting(database.db)).toEqual([]);
    });

    test('an alerts read model built by version 1 (bigint positions) is rebuilt with position keys', async () => {
      const clock = new MovableClock('2015-01-01');
      const officer = new Recorder(store, clock);
      await officer.bilateralAgreementInForce('old-agreement', '2015-03-01');
      await officer.establishBoard('old-board', 'old-agreement', '2015-04-01');
      const version1: SqlProjection = {
        ...alertsProjection,
        version: 1,
        schema: (t) =>
          alertsProjection
            .schema(t)
            .replace('last_position text COLLATE "C" NOT NULL', 'last_position bigint NOT NULL'),
      };
      const caughtUp = async () => {
        const [head, checkpoint] = [
          await store.headPosition(),
          await readCheckpoint(database.db, alertsProjection.name),
        ];
        return head !== null && checkpoint?.position != null && store.comparePositions(checkpoint.position, head) >= 0;
      };
      // The evaluator's read models as the old release ran them: the alerts one at version 1.
      const old = COMPLIANCE_SUBJECT_PROJECTIONS.map((p) => (p.name === alertsProjection.name ? version1 : p));
      clock.set('2015-06-01');
      await (await evaluatorFor(store, database.db, clock, old)).evaluateAll();
      await until(caughtUp, 10_000, 'version 1');
      await stopReadModels(store);
      expect(await columnType(database.db, 'alerts', 'last_position')).toEqual({ type: 'bigint', collation: null });
      const before = await listAlerts(database.db);
      expect(before.length).toBeGreaterThan(0);

      const runner = new ProjectionRunner(database.db, store, [alertsProjection], { logger: silentLogger });
      await runner.start();
      try {
        await until(
          async () => (await readCheckpoint(database.db, alertsProjection.name))?.version === 2 && caughtUp(),
          10_000,
          'version 2',
        );
        expect(await columnType(database.db, 'alerts', 'last_position')).toEqual({ type: 'text', collation: 'C' });
        expect(await listAlerts(database.db)).toEqual(before);
      } finally {
        await runner.stop();
      }
    });
  });
}
