import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig, type AppConfig } from '#config';
import { issueToken } from '#platform';
import { createApp } from '../../apps/api/src/create-app.js';
import { eventsOf } from '../support/http.js';

/*
 * Structured request logs (nestjs-pino): one JSON line per request with the method, the route
 * template, the status, the duration, the principal and the correlation id, and that id is the one
 * echoed in X-Correlation-Id and stored in the envelope of every event the request appended.
 */

interface LogLine {
  level: number;
  msg: string;
  correlationId?: string;
  route?: string;
  principal?: string | null;
  durationMs?: number;
  req?: { method: string; url: string; headers?: unknown };
  res?: { status: number };
  context?: string;
}

const lines: LogLine[] = [];
const destination = { write: (chunk: string) => void lines.push(JSON.parse(chunk) as LogLine) };

let app: NestExpressApplication;
let dataDir: string;
let config: AppConfig;
let token: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'request-logging-'));
  config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
  app = await createApp(config, { logDestination: destination });
  await app.init();
  token = await issueToken(config.auth, { sub: 'jane.doe', roles: ['officer'], force: 'gloucestershire' });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const requestLines = (): LogLine[] => lines.filter((line) => line.durationMs !== undefined);

async function lineFor(correlationId: string): Promise<LogLine> {
  // The line is written when the response finishes, a tick after supertest has the body.
  for (let i = 0; i < 50; i += 1) {
    const found = requestLines().find((line) => line.correlationId === correlationId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request line with correlationId ${correlationId}: ${JSON.stringify(requestLines())}`);
}

const draft = (id: string) => ({
  id,
  title: `Collaboration ${id}`,
  legalBasis: 's22A',
  businessArea: 'forensics',
  deliveryModel: 'joint-unit',
  parties: ['gloucestershire', 'wiltshire'],
  occurredAt: '2016-04-01',
});

test('a write logs one line with route template, status, duration, principal and the caller’s correlation id, which the event carries', async () => {
  const response = await request(app.getHttpServer())
    .post('/agreements')
    .set('Authorization', `Bearer ${token}`)
    .set('X-Correlation-Id', 'ticket-4711')
    .send(draft('logged'));
  expect(response.status).toBe(201);
  expect(response.headers['x-correlation-id']).toBe('ticket-4711');

  const line = await lineFor('ticket-4711');
  expect(line).toMatchObject({
    level: 30,
    route: '/agreements',
    principal: 'officer:jane.doe (gloucestershire)',
    req: { method: 'POST', url: '/agreements' },
    res: { status: 201 },
  });
  expect(line.msg).toMatch(/^POST \/agreements 201 \d+ ms$/);
  expect(typeof line.durationMs).toBe('number');
  // No headers in the log: they carry the bearer token.
  expect(JSON.stringify(lines)).not.toContain(token);

  const trail = await request(app.getHttpServer())
    .get('/streams/agreement-logged/events')
    .set('Authorization', `Bearer ${token}`);
  expect(eventsOf(trail)[0]).toMatchObject({ type: 'AgreementDrafted', correlationId: 'ticket-4711' });
});

test('without X-Correlation-Id a new id is generated per request, echoed back, logged and stored in the envelope', async () => {
  const response = await request(app.getHttpServer())
    .post('/agreements')
    .set('Authorization', `Bearer ${token}`)
    .send(draft('generated'));
  expect(response.status).toBe(201);
  const id = response.headers['x-correlation-id'] as string;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);

  const line = await lineFor(id);
  expect(line).toMatchObject({ route: '/agreements', res: { status: 201 } });

  const trail = await request(app.getHttpServer())
    .get('/streams/agreement-generated/events')
    .set('Authorization', `Bearer ${token}`);
  expect(eventsOf(trail)[0]?.correlationId).toBe(id);
});

test('reads log the route template, not the raw URL; a refused request logs no principal; /health and /metrics are not logged', async () => {
  const read = await request(app.getHttpServer()).get('/agreements/logged').set('Authorization', `Bearer ${token}`);
  expect(read.status).toBe(200);
  expect(await lineFor(read.headers['x-correlation-id'] as string)).toMatchObject({
    route: '/agreements/:id',
    principal: 'officer:jane.doe (gloucestershire)',
  });

  const refused = await request(app.getHttpServer()).get('/agreements');
  expect(refused.status).toBe(401);
  const refusedLine = await lineFor(refused.headers['x-correlation-id'] as string);
  expect(refusedLine).toMatchObject({ level: 40, route: '/agreements', principal: null, res: { status: 401 } });

  const before = requestLines().length;
  await request(app.getHttpServer()).get('/health');
  await request(app.getHttpServer()).get('/metrics');
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(requestLines().length).toBe(before);
});
