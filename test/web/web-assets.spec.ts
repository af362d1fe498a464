import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '#config';
import { WebModule } from '../../apps/api/src/web/web.module.js';

/* Without a built page the API still runs, and `/` says how to build it. */

let app: INestApplication<Server>;
let empty: string;

beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'web-assets-'));
  const config = loadConfig({ DATA_DIR: empty });
  const moduleRef = await Test.createTestingModule({
    imports: [WebModule.forRoot(config, join(empty, 'not-built'))],
  }).compile();
  app = moduleRef.createNestApplication<INestApplication<Server>>({ logger: false });
  await app.init();
});

afterAll(async () => {
  await app?.close();
  await rm(empty, { recursive: true, force: true });
});

test('/ explains how to build the page when it has not been built', async () => {
  const page = await request(app.getHttpServer()).get('/');
  expect(page.status).toBe(200);
  expect(page.type).toBe('text/html');
  expect(page.text).toMatch(/has not been built/);
  expect(page.text).toMatch(/npm run build:web/);
});

test('an asset that is not there is a 404, and no path leaves the assets folder', async () => {
  expect((await request(app.getHttpServer()).get('/assets/index.js')).status).toBe(404);
  expect((await request(app.getHttpServer()).get('/assets/%2e%2e/%2e%2e/package.json')).status).toBe(404);
});
