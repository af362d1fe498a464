import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { bodyOf, firstEventOf, problemOf, eventsOf, type AppendedBody } from '../support/http.js';

/*
 * Hostile input at the edge: oversized bodies, unknown fields, control characters, impossible
 * dates, paging past the limits, browsers from other origins, one person writing too fast. Every
 * refusal is problem+json without a stack trace or SQL, and writes nothing.
 */

let api: ApiHarness;
const head = async () => eventsOf(await api.admin.get('/events?limit=1000')).length;

beforeAll(async () => {
  api = await startApi({ WORKERS: 'off' });
});

afterAll(async () => {
  await api?.close();
});

describe('request bodies and parameters', () => {
  test('a body over 100 kB is refused with 413 problem+json', async () => {
    const res = await api.admin.post('/agreements').send({ id: 'big', title: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, title: 'Request too large' });
  });

  test('the actor cannot be given in the body (unknown field) nor by the old X-Actor header', async () => {
    const before = await head();
    const inBody = await api.admin
      .post('/bodies')
      .send({ id: 'acme', name: 'Acme', kind: 'other', actor: 'someone.else' });
    expect(inBody.status).toBe(400);
    expect(problemOf(inBody).errors).toContainEqual(expect.objectContaining({ field: 'actor', rule: 'unknown-field' }));
    expect(await head()).toBe(before);
    const res = await api.admin
      .post('/bodies')
      .set('X-Actor', 'someone.else')
      .send({ id: 'acme', name: 'Acme', kind: 'other' });
    expect(res.status).toBe(201);
    const event = firstEventOf(
      await api.admin.get(`/events?fromPosition=${bodyOf<AppendedBody>(res).firstPosition}&limit=1`),
    );
    expect(event.actorDisplay).toBe('admin:admin.jones@thamesvalley.pnn.police.uk');
  });

  test.each([
    [
      'a control character in an id',
      {
        id: 'tarian\u0000',
        title: 'T',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties: ['gwent', 'south-wales'],
      },
      'id',
    ],
    [
      'a control character in a party slug',
      {
        id: 'tarian',
        title: 'T',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties: ['gwent\n', 'south-wales'],
      },
      'parties',
    ],
    [
      'an impossible date (2015-02-30)',
      {
        id: 'tarian',
        title: 'T',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties: ['gwent', 'south-wales'],
        occurredAt: '2015-02-30',
      },
      'occurredAt',
    ],
    [
      'a title over 200 characters',
      {
        id: 'tarian',
        title: 'T'.repeat(201),
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties: ['gwent', 'south-wales'],
      },
      'title',
    ],
    [
      'an id over 100 characters',
      {
        id: 'a'.repeat(101),
        title: 'T',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties: ['gwent', 'south-wales'],
      },
      'id',
    ],
  ])('%s is a 400 naming the field', async (_name, body, field) => {
    const before = await head();
    const res = await api.admin.post('/agreements').send(body);
    expect(res.status).toBe(400);
    expect((problemOf(res).errors as { field: string }[]).map((e) => e.field.replace(/\[\d+\]$/, ''))).toContain(field);
    expect(await head()).toBe(before);
  });

  test('paging is bounded: at most 1000 events a page', async () => {
    expect((await api.admin.get('/events?limit=1001')).status).toBe(400);
    expect((await api.admin.get('/events?limit=1000')).status).toBe(200);
    expect((await api.admin.get(`/events?fromPosition=${'9'.repeat(30)}`)).status).toBe(400);
  });

  test('errors carry no stack trace and no SQL', async () => {
    const answers = await Promise.all([
      api.admin.post('/agreements').set('content-type', 'application/json').send('{"id": "x", '),
      api.admin.get("/streams/agreement-x' OR 1=1 --/events"),
      api.admin.get('/agreements/%00'),
      api.admin.post('/agreements/zephyr/variations').send([1, 2, 3]),
    ]);
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat .+:\d+:\d+|SELECT|INSERT|relation "|node_modules/);
    }
  });
});

describe('headers', () => {
  test('security headers are set (helmet) and Express is not announced', async () => {
    const res = await api.http.get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    // The page must load over plain http on an intranet host name too.
    expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  test('CORS is closed by default: no browser origin is allowed', async () => {
    const preflight = await api.http
      .options('/agreements')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await api.admin.get('/agreements').set('Origin', 'https://evil.example');
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limiting of writes, per principal', () => {
  let limited: ApiHarness;

  beforeAll(async () => {
    limited = await startApi({ WORKERS: 'off', RATE_LIMIT_WRITES: '3/1m', CORS_ORIGINS: 'https://governance.example' });
  });

  afterAll(async () => {
    await limited?.close();
  });

  test('the fourth write in a minute is a 429 problem with Retry-After; others and reads are unaffected', async () => {
    const jane = limited.client(await limited.token({ sub: 'jane.doe', roles: ['officer'], force: 'thames-valley' }));
    const body = {
      id: 'x',
      title: 'T',
      legalBasis: 's22A',
      businessArea: 'x',
      deliveryModel: 'joint-unit',
      parties: ['thames-valley', 'hampshire'],
      occurredAt: '2016-02-30',
    };
    for (let i = 0; i < 3; i++) expect((await jane.post('/agreements').send(body)).status).toBe(400);
    const fourth = await jane.post('/agreements').send(body);
    expect(fourth.status).toBe(429);
    expect(fourth.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fourth.headers['retry-after']).toMatch(/^\d+$/);
    expect(problemOf(fourth).detail).toMatch(/at most 3/);
    expect((await jane.get('/agreements')).status).toBe(200);
    expect((await limited.admin.post('/agreements').send(body)).status).toBe(400);
  });

  test('CORS opens to the configured origins only', async () => {
    const allowed = await limited.http
      .options('/agreements')
      .set('Origin', 'https://governance.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://governance.example');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/);
    const other = await limited.http
      .options('/agreements')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
