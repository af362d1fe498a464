import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { startApi, type ApiHarness, type Client } from '../api/api-harness.js';

/*
 * A few thousand generated malformed requests across every write endpoint: valid requests with
 * at least one defect (a required field missing, a wrong type, an over-long or control-character
 * string, an impossible date, an unknown field), random JSON, broken JSON, odd content types,
 * hostile ids and headers. None may answer 5xx, every answer is problem+json without a stack
 * trace or SQL, and the log is exactly as it was before.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

type Kind = 'id' | 'slug' | 'text' | 'date' | 'int' | 'number' | 'enum' | 'slugs' | 'ids' | 'attendees';
interface Field {
  kind: Kind;
  value: unknown;
  required: boolean;
}
interface Endpoint {
  path: string;
  fields: Record<string, Field>;
}

const f = (kind: Kind, value: unknown, required = true): Field => ({ kind, value, required });
const AGREEMENT = '/agreements/fz-agreement';
const BOARD = '/boards/fz-board';

const ENDPOINTS: Endpoint[] = [
  { path: '/bodies', fields: { id: f('slug', 'fz-new-body'), name: f('text', 'Body'), kind: f('enum', 'other') } },
  {
    path: '/agreements',
    fields: {
      id: f('id', 'fz-new'),
      title: f('text', 'T'),
      legalBasis: f('enum', 's22A'),
      businessArea: f('text', 'x'),
      deliveryModel: f('enum', 'joint-unit'),
      parties: f('slugs', ['hampshire', 'thames-valley']),
      hostForce: f('slug', 'hampshire', false),
      reviewDue: f('date', '2018-03-31', false),
      occurredAt: f('date', '2014-01-10', false),
    },
  },
  { path: `${AGREEMENT}/signatures`, fields: { party: f('slug', 'surrey'), signedBy: f('text', 'CC'), occurredAt: f('date', '2014-02-01') } },
  { path: `${AGREEMENT}/pcc-approvals`, fields: { party: f('slug', 'surrey'), occurredAt: f('date', '2014-02-01') } },
  { path: `${AGREEMENT}/commencement`, fields: { occurredAt: f('date', '2014-04-01') } },
  { path: `${AGREEMENT}/variations`, fields: { summary: f('text', 'V'), occurredAt: f('date', '2015-01-01') } },
  { path: `${AGREEMENT}/host`, fields: { hostForce: f('slug', 'thames-valley'), occurredAt: f('date', '2015-01-01') } },
  { path: `${AGREEMENT}/parties`, fields: { party: f('slug', 'kent'), occurredAt: f('date', '2015-01-01') } },
  { path: `${AGREEMENT}/withdrawal-notices`, fields: { party: f('slug', 'surrey'), effectiveOn: f('date', '2016-01-01'), occurredAt: f('date', '2015-01-01') } },
  { path: `${AGREEMENT}/withdrawals`, fields: { party: f('slug', 'surrey'), occurredAt: f('date', '2015-01-01'), reason: f('text', 'r', false) } },
  { path: `${AGREEMENT}/reviews`, fields: { outcome: f('text', 'ok'), nextReviewDue: f('date', '2019-01-01', false), occurredAt: f('date', '2015-01-01') } },
  { path: `${AGREEMENT}/termination`, fields: { reason: f('text', 'r'), occurredAt: f('date', '2015-01-01') } },
  { path: `${AGREEMENT}/savings`, fields: { financialYear: f('enum', '2015-16'), kind: f('enum', 'forecast'), amountGbp: f('number', 10) } },
  {
    path: '/boards',
    fields: {
      id: f('id', 'fz-new-board'),
      name: f('text', 'B'),
      agreements: f('ids', ['fz-agreement']),
      chair: f('text', 'C'),
      maxDaysBetweenMeetings: f('int', 92),
      quorum: f('int', 2),
      rearrangeWithinDays: f('int', 28, false),
      occurredAt: f('date', '2015-04-01', false),
    },
  },
  { path: `${BOARD}/terms`, fields: { quorum: f('int', 3), occurredAt: f('date', '2015-05-01') } },
  { path: `${BOARD}/meetings`, fields: { meetingId: f('id', 'q9'), scheduledFor: f('date', '2015-06-15') } },
  { path: `${BOARD}/meetings/q1/held`, fields: { occurredAt: f('date', '2015-06-15'), attendees: f('attendees', [{ name: 'PCC', body: 'hampshire' }]) } },
  { path: `${BOARD}/meetings/q1/cancellation`, fields: { reason: f('text', 'r'), occurredAt: f('date', '2015-06-10') } },
  { path: `${BOARD}/meetings/q1/rearrangement`, fields: { newDate: f('date', '2015-07-01'), occurredAt: f('date', '2015-06-10') } },
  {
    path: '/decisions',
    fields: { id: f('id', 'fz-decision'), summary: f('text', 'S'), boardId: f('id', 'fz-board', false), meetingId: f('id', 'q1', false), agreementId: f('id', 'fz-agreement', false), occurredAt: f('date', '2015-06-15') },
  },
  { path: '/alerts/fz-alert/acknowledgement', fields: { note: f('text', 'n', false) } },
];

/** Values that are never valid for a field of this kind (null/undefined excluded: optional fields accept them). */
const invalidFor = (kind: Kind): fc.Arbitrary<unknown> => {
  const wrongTypes = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }), fc.boolean());
  const controlChar = fc.constantFrom('\u0000', '\u0007', '\n', '\u001b', '\u007f', '\u0085');
  const withControl = fc.tuple(fc.stringMatching(/^[a-z0-9]{1,10}$/), controlChar).map(([s, c]) => s + c);
  const impossibleDates = fc.constantFrom('2015-02-30', '2015-02-29', '2015-13-01', '2015-00-10', '2015-04-31', 'yesterday', '31/03/2016', '2016-03-31T25:00:00Z', '', '2016-3-1');
  switch (kind) {
    case 'id':
    case 'slug':
      return fc.oneof(wrongTypes, fc.integer(), withControl, fc.constantFrom('', ' ', 'Bad Slug', 'x'.repeat(200), '../etc/passwd', "a' OR 1=1 --", 'ünï', '-lead'));
    case 'text':
      return fc.oneof(wrongTypes, fc.integer(), fc.constant(''), fc.constant('x'.repeat(10_001)));
    case 'date':
      return fc.oneof(wrongTypes, fc.integer(), impossibleDates);
    case 'int':
      return fc.oneof(wrongTypes, fc.string(), fc.constantFrom(-5, 0.5, 1e12, '3'));
    case 'number':
      return fc.oneof(wrongTypes, fc.string(), fc.constantFrom(-1, 1.234, 1e16));
    case 'enum':
      return fc.oneof(wrongTypes, fc.integer(), fc.string().filter((s) => !['other', 's22A', 'joint-unit', '2015-16', 'forecast'].includes(s)));
    case 'slugs':
    case 'ids':
      return fc.oneof(fc.string(), fc.integer(), fc.constant([]), fc.array(fc.oneof(withControl, fc.integer()), { minLength: 1, maxLength: 3 }), fc.constant(Array.from({ length: 300 }, (_, i) => `x${i}`)));
    case 'attendees':
      return fc.oneof(fc.string(), fc.constant([{ name: 'PCC' }]), fc.constant([{ name: 'PCC', body: 'hampshire', extra: 1 }]), fc.array(fc.integer(), { minLength: 1, maxLength: 2 }));
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
};

type Defect = { kind: 'drop'; field: string } | { kind: 'bad'; field: string; value: unknown } | { kind: 'unknown'; name: string; value: unknown };

const defectFor = (endpoint: Endpoint): fc.Arbitrary<Defect> => {
  const names = Object.keys(endpoint.fields);
  const required = names.filter((n) => endpoint.fields[n]!.required);
  const options: fc.Arbitrary<Defect>[] = [
    fc.constantFrom(...names).chain((field) => invalidFor(endpoint.fields[field]!.kind).map((value): Defect => ({ kind: 'bad', field, value }))),
    fc
      .tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'actor', 'recordedAt', 'position')), fc.jsonValue())
      .filter(([name]) => !names.includes(name) && name !== 'expectedRevision')
      .map(([name, value]): Defect => ({ kind: 'unknown', name, value })),
  ];
  if (required.length > 0) options.push(fc.constantFrom(...required).map((field): Defect => ({ kind: 'drop', field })));
  return fc.oneof(...options);
};

function applyDefects(endpoint: Endpoint, defects: Defect[]): string {
  const body: Record<string, unknown> = Object.fromEntries(Object.entries(endpoint.fields).map(([k, v]) => [k, v.value]));
  for (const defect of defects) {
    if (defect.kind === 'drop') delete body[defect.field];
    else if (defect.kind === 'bad') body[defect.field] = defect.value;
  }
  // Unknown fields are added as JSON text, so "__proto__" arrives as a real own key.
  let json = JSON.stringify(body);
  for (const defect of defects) {
    if (defect.kind === 'unknown') json = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${JSON.stringify(defect.name)}:${JSON.stringify(defect.value ?? null)}}`;
  }
  return json;
}

interface Attempt {
  path: string;
  body: string;
  contentType: string;
  headers: Record<string, string>;
  as: 'admin' | 'officer';
}

const badPathId = fc.constantFrom('%00', 'a%0Ab', '..%2F..%2Fetc', 'x'.repeat(300), '%E2%80%AE', 'ünï', "a'--", '%', '-x');

const attempt: fc.Arbitrary<Attempt> = fc.oneof(
  // A valid request with one to three defects: reaches deep into validation, lookups and deciders.
  {
    weight: 6,
    arbitrary: fc.constantFrom(...ENDPOINTS).chain((endpoint) =>
      fc.array(defectFor(endpoint), { minLength: 1, maxLength: 3 }).map((defects) => ({ path: endpoint.path, body: applyDefects(endpoint, defects), contentType: 'application/json', headers: {}, as: 'admin' as const })),
    ),
  },
  // Random JSON that is not an object.
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...ENDPOINTS), fc.oneof(fc.array(fc.jsonValue()), fc.string(), fc.integer(), fc.constant(null), fc.boolean())).map(([e, v]) => ({
      path: e.path,
      body: JSON.stringify(v),
      contentType: 'application/json',
      headers: {},
      as: 'admin' as const,
    })),
  },
  // Broken JSON and other content types.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...ENDPOINTS), fc.string({ maxLength: 50 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/xml'))
      .map(([e, text, contentType]) => ({ path: e.path, body: `{${text}`, contentType, headers: {}, as: 'admin' as const })),
  },
  // Hostile ids in the path, and hostile headers, on an otherwise valid body.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ENDPOINTS.filter((e) => e.path.split('/').length > 2)),
        badPathId,
        fc.record({ 'Idempotency-Key': fc.constantFrom('ok-key-1', ' ', 'x'.repeat(300), 'é'), 'X-Correlation-Id': fc.constantFrom('a b', 'x'.repeat(200), '\u00e9') }, { requiredKeys: [] }),
        fc.constantFrom('admin' as const, 'officer' as const),
      )
      .map(([e, id, headers, as]) => ({
        path: e.path.replace(/fz-(agreement|board|alert)/, id),
        body: applyDefects(e, [{ kind: 'unknown', name: 'zz', value: 1 }]),
        contentType: 'application/json',
        headers: headers as Record<string, string>,
        as,
      })),
  },
);

let api: ApiHarness;
let clients: Record<'admin' | 'officer', Client>;

async function given(path: string, body: object): Promise<void> {
  const res = await api.admin.post(path).send(body);
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
}

beforeAll(async () => {
  api = await startApi({ WORKERS: 'off' });
  clients = { admin: api.admin, officer: api.client(await api.token({ sub: 'fuzz.officer', roles: ['officer'], force: 'thames-valley' })) };
  const parties = ['hampshire', 'thames-valley', 'surrey'];
  await given('/agreements', { id: 'fz-agreement', title: 'Fuzz', legalBasis: 's22A', businessArea: 'x', deliveryModel: 'joint-unit', parties, hostForce: 'hampshire', occurredAt: '2014-01-10' });
  await given('/boards', { id: 'fz-board', name: 'Fuzz board', agreements: ['fz-agreement'], chair: 'C', maxDaysBetweenMeetings: 92, quorum: 2, occurredAt: '2015-04-01' });
  await given('/boards/fz-board/meetings', { meetingId: 'q1', scheduledFor: '2015-06-15' });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('fuzzing every write endpoint', () => {
  test(`${RUNS} malformed requests: no 5xx, problem+json without internals, and the log unchanged`, async () => {
    const logBefore = (await api.admin.get('/events?limit=1000')).body.events;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(attempt, async (a) => {
        const res = await clients[a.as].post(a.path).set('Content-Type', a.contentType).set(a.headers).send(a.body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.text).not.toMatch(/\bat .+:\d+:\d+|SELECT |INSERT |relation "|node_modules/);
      }),
      { numRuns: RUNS },
    );
    const logAfter = (await api.admin.get('/events?limit=1000')).body.events;
    expect(logAfter).toEqual(logBefore);
    // The generator reaches past validation too (404s, 403s, 422s), not only 400s.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400]));
    expect([...statuses.keys()].some((s) => s !== 400)).toBe(true);
  }, 300_000);
});
