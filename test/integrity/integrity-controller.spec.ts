import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { NotImplementedException } from '@nestjs/common';
import { loadConfig } from '#config';
import { CheckpointKeys } from '#messaging';
import { CHAIN_KEPT_BY_SQL_ONLY, SqlEventStore, migrateEventStore } from '#event-store';
import { IntegrityController } from '../../apps/api/src/integrity/integrity.http.controller.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';

/* GET /integrity's answer (its HTTP wiring and auditor-only guard live with the app module). */

let database: TestDatabase;
let controller: IntegrityController;

beforeAll(async () => {
  database = await pgliteDriver.create();
  await migrateEventStore(database.db);
  const store = new SqlEventStore(database.db);
  await store.append(
    'agreement-zephyr',
    [
      { type: 'AgreementDrafted', occurredAt: '2015-04-01', data: { title: 'Zephyr' } },
      { type: 'AgreementSigned', occurredAt: '2015-04-02', data: { party: 'avon-somerset' } },
    ],
    { expectedRevision: 'no-stream', actor: 'officer' },
  );
  await store.close();
  controller = new IntegrityController(database.db, loadConfig({}), new CheckpointKeys(null));
});
afterAll(async () => {
  await database?.dispose();
});

test('reports an intact log with its head', async () => {
  await expect(controller.check()).resolves.toEqual({
    ok: true,
    events: 2,
    headPosition: '2',
    headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
});

test('reports the first broken position, the reason and what differs', async () => {
  await database.db.query(`UPDATE events SET recorded_at = recorded_at + interval '1 hour' WHERE position = 1`);
  await expect(controller.check()).resolves.toMatchObject({
    ok: false,
    brokenAt: '1',
    reason: 'hash-mismatch',
    detail: expect.stringContaining('position 1'),
    eventsVerified: 0,
  });
});

test('with events in KurrentDB it refuses (501) rather than call an empty SQL log intact', async () => {
  const kurrent = loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false' });
  const refused = new IntegrityController(database.db, kurrent, new CheckpointKeys(null)).check();
  await expect(refused).rejects.toBeInstanceOf(NotImplementedException);
  await expect(refused).rejects.toThrow(CHAIN_KEPT_BY_SQL_ONLY);
});
