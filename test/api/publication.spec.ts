import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * s23E publication (issue 16 item 1): parties publish an agreement, mark it exempt (published as its title and
 * purpose only) or withdraw it; GET /public/bodies/:id/agreements shows, with no token, what is published, and
 * nothing else of the service answers without one.
 */

interface RegisterBody {
  body: { id: string; name: string };
  agreements: Record<string, unknown>[];
  next: string | null;
}

const EXEMPTION_REASON = 'The schedule names covert surveillance capabilities';
const PARTIES = ['hampshire', 'thames-valley'];

for (const driver of testDrivers) {
  driver.describe(`s23E publication on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const post = (path: string, body: object) => api.admin.post(path).send(body);
    const ok = async (path: string, body: object) => {
      const res = await post(path, body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
    };
    const draft = (id: string, title: string, parties = PARTIES) =>
      ok('/agreements', {
        id,
        title,
        legalBasis: 's22A',
        scope: 'regional',
        businessArea: 'roads policing',
        deliveryModel: 'joint-unit',
        parties,
        hostForce: parties[0],
        occurredAt: '2014-01-10',
      });
    const inForce = async (id: string, title: string) => {
      await draft(id, title);
      for (const party of PARTIES) {
        await ok(`/agreements/${id}/signatures`, {
          party,
          signedBy: 'Chief Constable',
          occurredAt: '2014-02-0' + (PARTIES.indexOf(party) + 1),
        });
        await ok(`/agreements/${id}/pcc-approvals`, { party, occurredAt: '2014-02-15' });
      }
      await ok(`/agreements/${id}/commencement`, { occurredAt: '2014-04-01' });
    };
    const publicList = async (query = '') => {
      const res = await api.http.get(`/public/bodies/hampshire/agreements?minPosition=${last}${query}`);
      expect(res.status).toBe(200);
      return bodyOf<RegisterBody>(res);
    };

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'publication-test-secret-of-32-bytes!!' } : {},
        { now: '2016-06-30T09:00:00.000Z' },
      );
      await inForce('roads', 'Joint Roads Policing Unit');
      await ok('/agreements/roads/publication', {
        publishedOn: '2014-04-10',
        documentUrl: 'https://www.hampshire-pcc.gov.uk/collaboration/roads.pdf',
        publishedBy: 'hampshire',
      });
      await draft('covert', 'Covert Operations Collaboration');
      await ok('/agreements/covert/publication-exemption', { ground: 'operations', reason: EXEMPTION_REASON });
      await ok('/agreements/covert/publication', { publishedOn: '2014-05-01', publishedBy: 'thames-valley' });
      await draft('old-text', 'Archived Collaboration');
      await ok('/agreements/old-text/publication', {
        publishedOn: '2014-03-01',
        reference: 'HC/2014/3',
        publishedBy: 'hampshire',
      });
      await ok('/agreements/old-text/publication-withdrawal', { reason: 'Superseded by the 2016 text' });
      await draft('unpublished', 'Not Yet Published');
      await draft('elsewhere', 'Surrey and Sussex Dogs', ['surrey', 'sussex']);
      await ok('/agreements/elsewhere/publication', {
        publishedOn: '2014-03-01',
        reference: 'SX/1',
        publishedBy: 'surrey',
      });
    }, 180_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('the public register lists only what is published: in full, or an exempt one by title and purpose', async () => {
      const page = await publicList();
      expect(page.body).toEqual({ id: 'hampshire', name: expect.any(String) });
      expect(page.next).toBeNull();
      expect(page.agreements).toEqual([
        {
          details: 'limited',
          agreementId: 'covert',
          title: 'Covert Operations Collaboration',
          purpose: 'roads policing',
          publishedOn: '2014-05-01',
        },
        {
          details: 'full',
          agreementId: 'roads',
          title: 'Joint Roads Policing Unit',
          purpose: 'roads policing',
          legalBasis: 's22A',
          scope: 'regional',
          parties: [
            { id: 'hampshire', name: expect.any(String) },
            { id: 'thames-valley', name: expect.any(String) },
          ],
          signedOn: '2014-02-02',
          inForceFrom: '2014-04-01',
          endedOn: null,
          publishedOn: '2014-04-10',
          publishedBy: 'hampshire',
          documentUrl: 'https://www.hampshire-pcc.gov.uk/collaboration/roads.pdf',
          reference: null,
        },
      ]);
      const text = JSON.stringify(page);
      expect(text).not.toContain(EXEMPTION_REASON);
      expect(text).not.toContain('operations');
      expect(text).not.toContain('Archived');
    });

    test('a signed-in reader sees the whole publication record, exemption reason and withdrawal included', async () => {
      const covert = await api.admin.get(`/agreements/covert/publication?minPosition=${last}`);
      expect(covert.status).toBe(200);
      expect(covert.body).toMatchObject({
        agreementId: 'covert',
        status: 'published',
        publishedBy: 'thames-valley',
        documentUrl: null,
        exemption: { ground: 'operations', reason: EXEMPTION_REASON, markedOn: '2016-06-30' },
      });
      const withdrawn = await api.admin.get(`/agreements/old-text/publication?minPosition=${last}`);
      expect(withdrawn.body).toMatchObject({
        status: 'withdrawn',
        reference: 'HC/2014/3',
        withdrawnOn: '2016-06-30',
        withdrawalReason: 'Superseded by the 2016 text',
      });
      expect((await api.admin.get('/agreements/unpublished/publication')).body).toMatchObject({
        status: 'unpublished',
        exemption: null,
      });
      expect((await api.admin.get('/agreements/nope/publication')).status).toBe(404);
      expect((await api.http.get('/agreements/covert/publication')).status).toBe(401);
    });

    test('CSV with Accept: text/csv or format=csv, never the exemption reason', async () => {
      for (const res of [
        await api.http.get(`/public/bodies/hampshire/agreements?format=csv&minPosition=${last}`),
        await api.http.get(`/public/bodies/hampshire/agreements?minPosition=${last}`).set('Accept', 'text/csv'),
      ]) {
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        const lines = res.text.trimEnd().split('\r\n');
        expect(lines[0]).toBe(
          'agreementId,title,details,purpose,legalBasis,scope,parties,signedOn,inForceFrom,endedOn,publishedOn,publishedBy,documentUrl,reference',
        );
        expect(lines).toHaveLength(3);
        expect(lines[1]).toBe('covert,Covert Operations Collaboration,limited,roads policing,,,,,,,2014-05-01,,,');
        expect(lines[2]).toMatch(/^roads,Joint Roads Policing Unit,full,roads policing,s22A,regional,/);
        expect(res.text).not.toContain(EXEMPTION_REASON);
      }
    });

    test('pages by limit and the next cursor', async () => {
      const first = await publicList('&limit=1');
      expect(first.agreements.map((a) => a.agreementId)).toEqual(['covert']);
      expect(first.next).toEqual(expect.any(String));
      const second = await publicList(`&limit=1&cursor=${first.next}`);
      expect(second.agreements.map((a) => a.agreementId)).toEqual(['roads']);
      expect(second.next).toBeNull();
    });

    test('withdrawing takes an agreement off the register and publishing again puts it back', async () => {
      await draft('again', 'Again Published');
      await ok('/agreements/again/publication', {
        publishedOn: '2015-01-01',
        reference: 'R1',
        publishedBy: 'hampshire',
      });
      expect((await publicList()).agreements.map((a) => a.agreementId)).toContain('again');
      await ok('/agreements/again/publication-withdrawal', { reason: 'Wrong file' });
      expect((await publicList()).agreements.map((a) => a.agreementId)).not.toContain('again');
      await ok('/agreements/again/publication', {
        publishedOn: '2015-02-01',
        reference: 'R2',
        publishedBy: 'hampshire',
      });
      const again = (await publicList()).agreements.find((a) => a.agreementId === 'again');
      expect(again).toMatchObject({ publishedOn: '2015-02-01', reference: 'R2' });
    });

    test('the decider refuses what the law does not allow: 404, 409, 422', async () => {
      const unknown = await post('/agreements/nope/publication', {
        publishedOn: '2015-01-01',
        reference: 'R',
        publishedBy: 'hampshire',
      });
      expect(unknown.status).toBe(404);
      const twice = await post('/agreements/roads/publication', {
        publishedOn: '2015-01-01',
        reference: 'R',
        publishedBy: 'hampshire',
      });
      expect({ status: twice.status, code: problemOf(twice).code }).toEqual({ status: 409, code: 'already-published' });
      const notParty = await post('/agreements/unpublished/publication', {
        publishedOn: '2015-01-01',
        reference: 'R',
        publishedBy: 'kent',
      });
      expect({ status: notParty.status, code: problemOf(notParty).code }).toEqual({
        status: 409,
        code: 'publisher-not-party',
      });
      const noDocument = await post('/agreements/unpublished/publication', {
        publishedOn: '2015-01-01',
        publishedBy: 'hampshire',
      });
      expect({ status: noDocument.status, code: problemOf(noDocument).code }).toEqual({
        status: 422,
        code: 'document-required',
      });
      const notPublished = await post('/agreements/unpublished/publication-withdrawal', { reason: 'x' });
      expect({ status: notPublished.status, code: problemOf(notPublished).code }).toEqual({
        status: 409,
        code: 'not-published',
      });
      expect((await api.http.get(`/public/bodies/no-such-body/agreements`)).status).toBe(404);
    });

    test('bad input is a 400 naming the field and its rule', async () => {
      const cases: [string, object, string][] = [
        [
          '/agreements/unpublished/publication',
          { publishedOn: '2015-02-30', reference: 'R', publishedBy: 'hampshire' },
          'publishedOn',
        ],
        [
          '/agreements/unpublished/publication',
          { publishedOn: '2015-02-01', documentUrl: 'http://x.org/a', publishedBy: 'hampshire' },
          'documentUrl',
        ],
        [
          '/agreements/unpublished/publication',
          { publishedOn: '2015-02-01', reference: 'R', publishedBy: 'Not A Slug' },
          'publishedBy',
        ],
        ['/agreements/unpublished/publication', { publishedOn: '2015-02-01', reference: 'R' }, 'publishedBy'],
        ['/agreements/unpublished/publication-exemption', { ground: 'embarrassment', reason: 'r' }, 'ground'],
        ['/agreements/unpublished/publication-exemption', { ground: 'security', reason: '' }, 'reason'],
        ['/agreements/unpublished/publication-withdrawal', {}, 'reason'],
      ];
      for (const [path, body, field] of cases) {
        const res = await post(path, body);
        expect({ path, field, status: res.status }).toEqual({ path, field, status: 400 });
        expect(problemOf(res).errors?.map((e) => e.field)).toContain(field);
      }
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['format=xml', 'format'],
        ['cursor=zz', 'cursor'],
      ]) {
        const res = await api.http.get(`/public/bodies/hampshire/agreements?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(problemOf(res).errors?.map((e) => e.field)).toContain(field);
      }
      expect((await api.http.get('/public/bodies/Bad%20Slug/agreements')).status).toBe(400);
    });

    test('nothing else answers without a token: every registered route is 401 but the public ones', async () => {
      const routes = registeredRoutes(api);
      expect(routes).toContain('GET /public/bodies/:id/agreements');
      expect(routes).toContain('POST /agreements/:id/publication');
      const open = routes.filter((route) => isPublicToday(route));
      const closed = routes.filter((route) => !isPublicToday(route));
      expect(closed.length).toBeGreaterThan(30);
      const answers: string[] = [];
      for (const route of closed) {
        const [method, path] = route.split(' ') as [string, string];
        const url = path.replace(/:(\w+)/g, 'x1').replace(/\*\w+/, 'x1');
        const res = method === 'GET' ? await api.http.get(url) : await api.http.post(url).send({});
        answers.push(`${route} → ${res.status}`);
      }
      expect(answers).toEqual(closed.map((route) => `${route} → 401`));
      // The ones open today, and why: the web page and its assets, health and metrics for probes and
      // scrapers, the API's own description, the local sign-in of the embedded default, and the s23E register.
      expect(open.sort()).toEqual(
        expect.arrayContaining(['GET /', 'GET /health', 'GET /metrics', 'GET /public/bodies/:id/agreements']),
      );
    });
  });
}

/** Public today (docs/security.md, "What is public"); everything else needs a token. */
const PUBLIC_ROUTES = [
  /^GET \/$/,
  /^GET \/assets\//,
  /^GET \/health/,
  /^GET \/metrics$/,
  /^(GET|HEAD) \/docs/,
  /^GET \/auth\/dev-sign-in$/,
  /^POST \/auth\/dev-token$/,
  /^GET \/public\/bodies\/:id\/agreements$/,
];
const isPublicToday = (route: string): boolean => PUBLIC_ROUTES.some((pattern) => pattern.test(route));

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** `METHOD /path` of every route the Nest app registered on Express (Express 5: `router.stack`). */
function registeredRoutes(api: ApiHarness): string[] {
  const express = api.app.getHttpAdapter().getInstance() as { router?: { stack: RouterLayer[] } };
  const stack = express.router?.stack ?? [];
  const routes = new Set<string>();
  for (const layer of stack) {
    // `{/*splat}` for every method is the tracing middleware (TracingModule.forRoutes), not a handler.
    if (!layer.route || layer.route.path === '{/*splat}') continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.add(`${method.toUpperCase()} ${layer.route.path}`);
    }
  }
  return [...routes].sort();
}

describe('the public register without a token has its own rate limit', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PUBLIC: '2/1m', WORKERS: 'off' });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  test('per address: the third read in the window is 429 with Retry-After; signed-in reads are not counted', async () => {
    const read = () => api.http.get('/public/bodies/hampshire/agreements');
    expect((await read()).status).toBe(200);
    const second = await read();
    expect(second.status).toBe(200);
    expect(second.headers['ratelimit-remaining']).toBe('0');
    const third = await read();
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
    expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await api.admin.get('/public/bodies/hampshire/agreements')).status).toBe(200);
    expect((await api.http.get('/health')).status).toBe(200);
  });
});
