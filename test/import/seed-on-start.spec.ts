import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { loadConfig } from '#config';
import { createEventStore, displayActorText, EventStore, type StoredEvent } from '#event-store';
import { AppModule } from '../../apps/api/src/app.module.js';
import { ConfigModule } from '#platform';
import { SeedOnStartModule } from '#application';
import { pgliteDriver } from '../support/db.js';
import { openStore, smallSeed, tempSeedFile } from './support.js';

/* IMPORT_ON_START: the application imports the seed file as it starts, and every start is safe. */

let dataDir: string;
const files: { dispose(): Promise<void> }[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'seed-on-start-'));
});
afterEach(async () => {
  await Promise.all(files.splice(0).map((f) => f.dispose()));
  await rm(dataDir, { recursive: true, force: true });
});

@Module({})
class TestRoot {
  /** The application as AppModule will be wired: AppModule and the seed module beside it. */
  static with(path: string | null): DynamicModule {
    return {
      module: TestRoot,
      imports: [
        AppModule.forRoot(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' })),
        SeedOnStartModule.forRoot(path),
      ],
    };
  }
}

async function start(path: string | null): Promise<void> {
  const app = await NestFactory.createApplicationContext(TestRoot.with(path), { logger: false, abortOnError: false });
  await app.close();
}

async function log(): Promise<StoredEvent[]> {
  const { store, close } = await createEventStore({ dataDir });
  try {
    return await store.readAll({ maxCount: 100_000 });
  } finally {
    await close();
  }
}

test('imports the file on the first start and nothing on the next ones', async () => {
  const file = await tempSeedFile(smallSeed(), 'on-start.json');
  files.push(file);
  await start(file.path);
  // The import's own events; beside them the compliance evaluator may have raised alerts about what was imported
  // (its accountability rules: agreements in force with no board, no review date), in their own streams.
  const imported = (events: StoredEvent[]) =>
    events.filter((e) => displayActorText(e.actor) === 'system:import (on-start.json)');
  const first = await log();
  expect(imported(first)).toHaveLength(14);
  expect(first.filter((e) => !imported(first).includes(e)).every((e) => e.streamId.startsWith('alert-'))).toBe(true);

  await start(file.path);
  expect(imported(await log())).toEqual(imported(first));
}, 60_000);

test('imports nothing when no file is configured', async () => {
  await start(null);
  expect(await log()).toEqual([]);
}, 60_000);

@Global()
@Module({})
class GivenStore {
  static of(store: EventStore): DynamicModule {
    return { module: GivenStore, providers: [{ provide: EventStore, useValue: store }], exports: [EventStore] };
  }
}

test('refuses to start with a malformed seed file', async () => {
  const file = await tempSeedFile({ agreements: [{ id: 'x' }] });
  files.push(file);
  // A start that fails leaves its database open (main.ts exits the process): here the test owns the store.
  const database = await pgliteDriver.create();
  const store = await openStore(database.db);
  try {
    const root = {
      module: TestRoot,
      imports: [
        ConfigModule.forRoot(loadConfig({})),
        GivenStore.of(store),
        CqrsModule.forRoot(),
        SeedOnStartModule.forRoot(file.path),
      ],
    };
    const starting = NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
    await expect(starting).rejects.toThrow(
      /is not a valid seed file:\n(.|\n)*- agreements\[0\]\.title must be a non-empty string/,
    );
    expect(await store.headPosition()).toBeNull();
  } finally {
    await store.close();
    await database.dispose();
  }
}, 60_000);
