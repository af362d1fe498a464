import { randomUUID } from 'node:crypto';
import { expect, test } from '@jest/globals';
import { SqlEventStore, eventStoreMigrations, migrateEventStore, runMigrations, verifyLog } from '#event-store';
import { testDrivers } from '../support/db.js';

/* A database created before events carried hashes is chained by the migration that adds them. */

for (const driver of testDrivers) {
  driver.describe(`hash back-fill on ${driver.name}`, () => {
    test('the migration hashes the stored events in position order; new appends continue the chain', async () => {
      const database = await driver.create();
      try {
        const { db } = database;
        await runMigrations(
          db,
          eventStoreMigrations.filter((m) => m.id === 'event-store/0001-events'),
        );
        // Rows as the store wrote them before this change (times in milliseconds, one rolled-back position).
        for (let i = 0; i < 30; i++) {
          if (i === 10) await db.query(`SELECT nextval(pg_get_serial_sequence('events', 'position'))`);
          await db.query(
            `INSERT INTO events (event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data)
             VALUES ($1, $2, $3, 'BoardMeetingHeld', 1, '2016-03-03T00:00:00.000Z', $4, 'officer', $5, NULL, $6::jsonb)`,
            [
              randomUUID(),
              `board-${i % 4}`,
              Math.floor(i / 4),
              new Date(Date.UTC(2016, 2, 10, 9, 0, i, 7)).toISOString(),
              randomUUID(),
              JSON.stringify({ i, title: 'Bi-lateral ✓', nested: { b: 1, a: [0.5, null] } }),
            ],
          );
        }
        await expect(migrateEventStore(db)).resolves.toEqual([
          'event-store/0002-event-hashes',
          'event-store/0003-append-function',
          'event-store/0004-integrity-checkpoints',
          'event-store/0005-append-function-link-text',
          'event-store/0006-event-traceparent',
          'event-store/0007-person-keys',
          'event-store/0008-chain-versions',
          'event-store/0009-append-columns',
        ]);
        await expect(verifyLog(db, { pageSize: 7 })).resolves.toMatchObject({ ok: true, events: 30 });

        const store = new SqlEventStore(db);
        await store.append('board-0', [{ type: 'BoardMeetingHeld', occurredAt: '2016-04-01', data: {} }], {
          expectedRevision: 7,
          actor: 'officer',
        });
        await store.close();
        const { rows } = await db.query<{ hash: string }>('SELECT hash FROM events ORDER BY position DESC LIMIT 1');
        await expect(verifyLog(db)).resolves.toEqual({
          ok: true,
          events: 31,
          headPosition: '32',
          headHash: rows[0]!.hash,
        });

        await db.query(`UPDATE events SET data = jsonb_set(data, '{i}', '99') WHERE position = 5`);
        await expect(verifyLog(db)).resolves.toMatchObject({ ok: false, position: '5', reason: 'hash-mismatch' });
      } finally {
        await database.dispose();
      }
    }, 60_000);
  });
}
