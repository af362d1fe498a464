import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { bodyOf, problemOf, type OpenApiBody } from '../support/http.js';

/* The local sign-in of the web page: only where the service signs its own tokens (the embedded default). */

describe('local sign-in in the embedded default', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  test('mints a token for a chosen role and force that the API accepts, within that role’s limits', async () => {
    const minted = await api.http
      .post('/auth/dev-token')
      .send({ roles: ['officer'], force: 'gwent', sub: 'dai.jones' });
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({ sub: 'dai.jones', roles: ['officer'], force: 'gwent', expiresIn: '8h' });
    const read = await api.client(bodyOf<{ token: string }>(minted).token).get('/agreements');
    expect(read.status).toBe(200);
    const refused = await api
      .client(bodyOf<{ token: string }>(minted).token)
      .post('/bodies')
      .send({ id: 'x-council', name: 'X Council', kind: 'council' });
    expect(refused.status).toBe(403);
  });

  test.each([
    ['X-Forwarded-For', '203.0.113.7'],
    ['X-Forwarded-Host', 'governance.example.org'],
    ['X-Forwarded-Proto', 'https'],
    ['Forwarded', 'for=203.0.113.7;proto=https'],
    ['X-Real-IP', '203.0.113.7'],
    ['Via', '1.1 proxy.example.org'],
  ])('refuses to mint a token through a reverse proxy on this machine (%s), saying why', async (name, value) => {
    const minted = await api.http
      .post('/auth/dev-token')
      .set(name, value)
      .send({ roles: ['admin'] });
    expect(minted.status).toBe(403);
    expect(minted.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(minted.body).toMatchObject({
      code: 'forbidden',
      detail: expect.stringContaining(`through a proxy (the request carries ${name.toLowerCase()})`),
    });
    expect(bodyOf<{ token: string }>(minted).token).toBeUndefined();
    expect((await api.http.get('/auth/dev-sign-in').set(name, value)).status).toBe(403);
  });

  test('refuses a request naming another host or sent by a page of another origin', async () => {
    const host = await api.http
      .post('/auth/dev-token')
      .set('Host', 'governance.example.org')
      .send({ roles: ['admin'] });
    expect({ status: host.status, detail: problemOf(host).detail }).toEqual({
      status: 403,
      detail: expect.stringMatching(/another host/),
    });
    const origin = await api.http
      .post('/auth/dev-token')
      .set('Origin', 'https://evil.example')
      .send({ roles: ['admin'] });
    expect({ status: origin.status, detail: problemOf(origin).detail }).toEqual({
      status: 403,
      detail: expect.stringMatching(/another origin/),
    });
    const local = await api.http
      .post('/auth/dev-token')
      .set('Origin', 'http://localhost:3000')
      .send({ roles: ['auditor'] });
    expect(local.status).toBe(201);
  });

  test('offers the roles and the reference bodies to choose from, without a token', async () => {
    const options = await api.http.get('/auth/dev-sign-in');
    expect(options.status).toBe(200);
    expect(bodyOf(options).roles).toEqual(['officer', 'auditor', 'admin']);
    expect(bodyOf(options).bodies).toEqual(expect.arrayContaining([{ id: 'gwent', name: 'Gwent Police' }]));
  });

  test('validates the request with field-level problems', async () => {
    const noForce = await api.http.post('/auth/dev-token').send({ roles: ['officer'] });
    expect(noForce.status).toBe(400);
    expect(problemOf(noForce).errors).toEqual([expect.objectContaining({ field: 'force' })]);
    const badRole = await api.http.post('/auth/dev-token').send({ roles: ['superuser'], extra: 1 });
    expect(badRole.status).toBe(400);
    expect((problemOf(badRole).errors ?? []).map((e) => e.field).sort()).toEqual(['extra', 'roles']);
  });

  test('is documented in the OpenAPI description', async () => {
    const doc = await api.http.get('/docs/openapi.json');
    expect(Object.keys(bodyOf<OpenApiBody>(doc).paths)).toEqual(
      expect.arrayContaining(['/auth/dev-token', '/auth/dev-sign-in']),
    );
    expect(bodyOf<OpenApiBody>(doc).paths['/auth/dev-token']?.post?.requestBody).toBeDefined();
  });

  test('the page is served at / without a token and shadows neither /health, /docs nor the API', async () => {
    const page = await api.http.get('/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toMatch(/Collaboration governance tracker/);
    expect((await api.http.get('/health')).status).not.toBe(404);
    expect((await api.http.get('/docs/openapi.json')).status).toBe(200);
    expect((await api.http.get('/agreements')).status).toBe(401);
    expect((await api.http.get('/assets/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await api.http.get('/assets/no-such-file.js')).status).toBe(404);
  });
});

describe('local sign-in where a real secret is configured', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ AUTH_JWT_SECRET: 'a-shared-secret-of-at-least-thirty-two-bytes!' });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  test('does not exist: 404, and not in the OpenAPI description', async () => {
    const minted = await api.http.post('/auth/dev-token').send({ roles: ['admin'] });
    expect(minted.status).toBe(404);
    expect(minted.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await api.http.get('/auth/dev-sign-in')).status).toBe(404);
    const doc = await api.http.get('/docs/openapi.json');
    expect(Object.keys(bodyOf<OpenApiBody>(doc).paths)).not.toContain('/auth/dev-token');
  });
});
