import 'reflect-metadata';
import { afterEach, expect, test } from '@jest/globals';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readCheckpoint, EventStore, SqlDatabase } from '#event-store';
import { ProjectionRunner, ProjectionStatus, ProjectionsModule } from '#projections';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { appendMany, countingProjection, openStore, snapshot } from './support.js';

let database: TestDatabase;
let app: INestApplicationContext | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
  await database.dispose();
});

async function boot(run: boolean) {
  database = await pgliteDriver.create();
  const store = await openStore(database.db);
  // What the API's PersistenceModule provides: both ports, globally, with the abstract classes as tokens.
  @Global()
  @Module({
    providers: [
      { provide: SqlDatabase, useValue: database.db },
      { provide: EventStore, useValue: store },
    ],
    exports: [SqlDatabase, EventStore],
  })
  class FakePersistence {}
  const moduleRef = await Test.createTestingModule({
    imports: [FakePersistence, ProjectionsModule.forRoot({ projections: [countingProjection()], run })],
  }).compile();
  moduleRef.useLogger(false);
  app = await moduleRef.init();
  return { store };
}

test('embedded: the module creates the tables, runs the projections from bootstrap and stops them on shutdown', async () => {
  const { store } = await boot(true);
  const head = await appendMany(store, 30);
  const status = app!.get(ProjectionStatus);
  await status.waitForPosition(head);
  expect((await snapshot(database.db)).applied).toBe(24);
  expect(app!.get(ProjectionRunner).states()).toEqual({ 'stream-counts': 'running' });
  await app!.close();
  app = null;
  await store.close();
});

test('read-only (beside a worker): tables exist and status answers, but nothing runs here', async () => {
  const { store } = await boot(false);
  expect(await snapshot(database.db)).toEqual({ counts: [], applied: 0, duplicates: 0 });
  const head = await appendMany(store, 3);
  const status = app!.get(ProjectionStatus);
  await expect(status.waitForPosition(head, { timeoutMs: 100 })).rejects.toMatchObject({
    code: 'projection-lag',
  });
  expect((await status.report())[0]).toMatchObject({
    name: 'stream-counts',
    status: 'not-started',
    runner: null,
    lag: 3,
  });
  expect(await readCheckpoint(database.db, 'stream-counts')).toBeNull();
  expect(() => app!.get(ProjectionRunner)).toThrow();
  await store.close();
});
