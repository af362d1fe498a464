import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig } from '#config';
import { issueToken } from '#platform';
import { createApp } from '../../apps/api/src/create-app.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, type OpenApiBody } from '../support/http.js';

/*
 * GET /metrics in Prometheus text format, on the embedded database and on PostgreSQL. The seed
 * import is recorded by an API with WORKERS=off, so every projection is behind by the whole log;
 * then an API that runs the workers starts on the same database and the lag it reports falls to 0.
 */

const SEED = 'seeds/collaborations.json';
const SECRET = 'metrics-test-secret-of-at-least-32-bytes';

type Samples = Map<string, number>;

/** `name{labels} value` lines of the text format, keyed by name and labels (the `process` label left out). */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = (match[2] ?? '').replace(/,?process="(api|worker)"/, '').replace(/^\{,/, '{');
    samples.set(`${match[1]}${labels === '{}' ? '' : labels}`, Number(match[3]));
  }
  return samples;
}

const byPrefix = (samples: Samples, prefix: string): [string, number][] =>
  [...samples].filter(([key]) => key.startsWith(prefix));

for (const driver of testDrivers) {
  driver.describe(`/metrics on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let dataDir: string;
    let app: NestExpressApplication | null = null;

    const start = async (env: Record<string, string>) => {
      const config = loadConfig({
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'error',
        AUTH_JWT_SECRET: SECRET,
        ...(database?.url ? { DATABASE_URL: database.url } : {}),
        ...env,
      });
      const started = await createApp(config, { logger: false });
      await started.init();
      return { app: started, config };
    };
    const scrape = async (): Promise<{ text: string; samples: Samples; contentType: string }> => {
      const response = await request(app!.getHttpServer()).get('/metrics');
      expect(response.status).toBe(200);
      return {
        text: response.text,
        samples: parse(response.text),
        contentType: response.headers['content-type'] as string,
      };
    };

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), `metrics-${driver.name}-`));
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await database?.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    test('projection lag is the whole import while no worker runs, and falls to zero once one does', async () => {
      // 1. The API alone (WORKERS=off) imports the seed file: events appended, nothing projected.
      const api = await start({ WORKERS: 'off', IMPORT_ON_START: SEED });
      app = api.app;
      const token = await issueToken(api.config.auth, { sub: 'ops.lead', roles: ['admin'], force: null });
      // Not projected yet: a 404 (a request the HTTP metrics count under its route template).
      expect(
        (await request(app.getHttpServer()).get('/agreements/zephyr').set('Authorization', `Bearer ${token}`)).status,
      ).toBe(404);

      const before = await scrape();
      expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(before.text).toContain('# TYPE governance_projection_lag gauge');
      const head = before.samples.get('governance_log_head_position') ?? 0;
      expect(head).toBeGreaterThan(100);
      const lagBefore = byPrefix(before.samples, 'governance_projection_lag{');
      expect(lagBefore.length).toBeGreaterThanOrEqual(7);
      for (const [, lag] of lagBefore) expect(lag).toBe(head);
      // Appends are timed and counted by type.
      expect(before.samples.get('governance_events_appended_total{type="AgreementDrafted"}')).toBeGreaterThan(0);
      expect(before.samples.get('governance_event_append_duration_seconds_count{outcome="appended"}')).toBeGreaterThan(
        0,
      );
      // Requests by route template, never the raw URL; no principal anywhere.
      const reads = byPrefix(before.samples, 'http_requests_total{method="GET",route="/agreements/:id",');
      expect(reads).toHaveLength(1);
      expect(reads[0]?.[1]).toBe(1);
      expect(
        before.samples.get('http_request_duration_seconds_count{method="GET",route="/agreements/:id",status="404"}'),
      ).toBe(1);
      expect(before.text).not.toContain('zephyr');
      expect(before.text).not.toContain('ops.lead');
      expect(before.samples.get('governance_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
      // Kafka is off: no relay has a checkpoint. No compliance trigger has run either.
      expect(byPrefix(before.samples, 'governance_relay_lag')).toEqual([]);
      expect(before.text).toContain('# TYPE governance_compliance_lag gauge');
      expect(byPrefix(before.samples, 'governance_compliance_lag')).toEqual([]);
      await app.close();
      app = null;

      // 2. An API that runs the workers, on the same database: the projections catch up.
      app = (await start({})).app;
      const deadline = Date.now() + 60_000;
      let after = await scrape();
      const behind = (samples: Samples) =>
        [...byPrefix(samples, 'governance_projection_lag{'), ...byPrefix(samples, 'governance_compliance_lag{')].some(
          ([, lag]) => lag !== 0,
        ) || byPrefix(samples, 'governance_compliance_lag{').length === 0;
      while (behind(after.samples)) {
        if (Date.now() > deadline)
          throw new Error(`projections or the compliance trigger did not catch up:\n${after.text}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await scrape();
      }
      const lagAfter = byPrefix(after.samples, 'governance_projection_lag{');
      expect(lagAfter.map(([key]) => key).sort()).toEqual(lagBefore.map(([key]) => key).sort());
      const headAfter = after.samples.get('governance_log_head_position') ?? 0;
      // The compliance evaluator may have raised alerts since (events too): every projection is at the head.
      expect(headAfter).toBeGreaterThanOrEqual(head);
      for (const [key, position] of byPrefix(after.samples, 'governance_projection_position{')) {
        expect([key, position]).toEqual([key, headAfter]);
      }
      // The compliance trigger, the one reactor, evaluated the whole import: lag 0, its checkpoint at the head.
      expect(byPrefix(after.samples, 'governance_compliance_lag{')).toEqual([
        ['governance_compliance_lag{processor="compliance-evaluator"}', 0],
      ]);
      expect(after.samples.get('governance_compliance_position{processor="compliance-evaluator"}')).toBe(headAfter);
      // Open alerts by rule, from the alerts read model.
      const openAlerts = byPrefix(after.samples, 'governance_alerts_open{');
      expect(openAlerts.every(([key]) => /^governance_alerts_open\{rule="[a-z-]+"\}$/.test(key))).toBe(true);
    }, 240_000);

    test('needs no token and is not in the OpenAPI document', async () => {
      const docs = await request(app!.getHttpServer()).get('/docs/openapi.json');
      expect(docs.status).toBe(200);
      expect(Object.keys(bodyOf<OpenApiBody>(docs).paths as object)).not.toContain('/metrics');
      expect((await request(app!.getHttpServer()).get('/metrics')).status).toBe(200);
    });
  });
}
