import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig, type AppConfig } from '#config';
import { createApp } from '../../apps/api/src/create-app.js';
import { Clock } from '../../apps/api/src/infrastructure/clock.js';

/** A clock the test moves by hand. */
export class TestClock extends Clock {
  constructor(private current = new Date('2017-01-01T09:00:00.000Z')) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export interface ApiHarness {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  clock: TestClock;
  dataDir: string;
  config: AppConfig;
  /** Closes the app (as SIGTERM would) and starts a new one on the same data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real application on a fresh embedded PGlite directory (or the given DATABASE_URL). */
export async function startApi(env: Record<string, string> = {}, options: { now?: string } = {}): Promise<ApiHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'governance-api-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error', ...env });
  const clock = new TestClock(options.now === undefined ? undefined : new Date(options.now));
  const boot = async () => {
    const app = await createApp(config, { clock, logger: false });
    await app.init();
    return app;
  };
  const harness: ApiHarness = {
    app: await boot(),
    http: undefined as never,
    clock,
    dataDir,
    config,
    async restart() {
      await harness.app.close();
      harness.app = await boot();
      harness.http = request(harness.app.getHttpServer());
    },
    async close() {
      await harness.app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  harness.http = request(harness.app.getHttpServer());
  return harness;
}

export const ACTOR = 'officer.jones@thamesvalley.pnn.police.uk';
