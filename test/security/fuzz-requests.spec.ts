import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { EventStore, type Position } from '#event-store';
import { startApi, type ApiHarness, type Client } from '../api/api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';

/*
 * Thousands of generated hostile requests across every write route and every read route that takes
 * query parameters, on the embedded database and on PostgreSQL: valid requests with defects (a field
 * missing, a wrong type, an over-long, control-character, NUL or lone-surrogate string, an impossible
 * or out-of-range date, an out-of-range number, an unknown or reserved field), bodies nested
 * thousands deep or larger than the limit, random and broken JSON, wrong content types, hostile ids
 * in the path, hostile headers, and hostile query strings. None may answer 5xx or take over 5 s,
 * every refusal is problem+json without a stack trace or SQL, and the log is exactly as it was after
 * every refused request. A fixed seed makes a failure reproducible (FUZZ_SEED, FUZZ_RUNS override).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 13);
/** A request still unanswered after this fails the run: a hang is a defect too. */
const REQUEST_TIMEOUT_MS = 5000;
/** Names every object inherits, as ids that are valid slugs but name nothing: refused like any other hostile id. */
const RESERVED_NAMES = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype)]),
];

type Kind =
  | 'id'
  | 'slug'
  | 'text'
  | 'date'
  | 'int'
  | 'number'
  | 'enum'
  | 'bool'
  | 'slugs'
  | 'ids'
  | 'attendees'
  | 'terms'
  | 'override'
  | 'facts'
  | 'capacities'
  | 'declared';
interface Field {
  kind: Kind;
  value: unknown;
  required: boolean;
  /** The id of the record the request creates: a new name, not a reference to an existing one. */
  creates?: boolean;
}
interface Endpoint {
  path: string;
  route: string;
  fields: Record<string, Field>;
}

const f = (kind: Kind, value: unknown, required = true): Field => ({ kind, value, required });
const created = (kind: Kind, value: unknown): Field => ({ kind, value, required: true, creates: true });
const AGREEMENT = '/agreements/fz-agreement';
const BOARD = '/boards/fz-board';
const VARIATION = `${AGREEMENT}/variations/fz-variation`;
const PATH_IDS = /fz-agreement|fz-board|fz-alert|fz-entry|fz-variation|\bq1\b|\bsl1\b/;

const endpoint = (path: string, fields: Record<string, Field>): Endpoint => ({
  path,
  route: path
    .replace('fz-agreement', ':id')
    .replace('fz-board', ':id')
    .replace('fz-alert', ':id')
    .replace('fz-entry', ':entryId')
    .replace('/fz-variation/', '/:vid/')
    .replace('/q1/', '/:meetingId/')
    .replace('/sl1/', '/:sid/'),
  fields,
});

const WRITES: Endpoint[] = [
  endpoint('/bodies', { id: created('slug', 'fz-new-body'), name: f('text', 'Body'), kind: f('enum', 'other') }),
  endpoint('/agreements', {
    id: created('id', 'fz-new'),
    title: f('text', 'T'),
    legalBasis: f('enum', 's22A'),
    businessArea: f('text', 'x'),
    deliveryModel: f('enum', 'joint-unit'),
    parties: f('slugs', ['hampshire', 'thames-valley']),
    partyCapacities: f('capacities', [{ party: 'hampshire', capacity: 'chief-officer-and-policing-body' }], false),
    declaredMembership: f('declared', { description: 'two forces', count: 2 }, false),
    hostForce: f('slug', 'hampshire', false),
    parentId: f('id', 'fz-agreement', false),
    reviewDue: f('date', '2018-03-31', false),
    plannedStart: f('date', '2014-04-01', false),
    occurredAt: f('date', '2014-01-10', false),
  }),
  endpoint(`${AGREEMENT}/planned-start`, {
    plannedStart: f('date', '2014-09-01'),
    reason: f('text', 'May be September'),
    occurredAt: f('date', '2014-02-01'),
  }),
  endpoint(`${AGREEMENT}/supersessions`, { supersedes: f('id', 'fz-agreement'), occurredAt: f('date', '2014-02-01') }),
  endpoint(`${AGREEMENT}/signatures`, {
    party: f('slug', 'surrey'),
    signedBy: f('text', 'CC'),
    occurredAt: f('date', '2014-02-01'),
  }),
  endpoint(`${AGREEMENT}/pcc-approvals`, { party: f('slug', 'surrey'), occurredAt: f('date', '2014-02-01') }),
  endpoint(`${AGREEMENT}/commencement`, { occurredAt: f('date', '2014-04-01') }),
  endpoint(`${AGREEMENT}/variations`, {
    summary: f('text', 'V'),
    occurredAt: f('date', '2015-01-01'),
    variationId: { kind: 'id', value: 'fz-new-variation', required: false, creates: true },
    proposedTerms: f('terms', { purpose: 'Joint roads policing', deliveryModel: 'joint-unit' }, false),
    effectiveFrom: f('date', '2015-04-01', false),
  }),
  endpoint(`${VARIATION}/signatures`, {
    party: f('slug', 'surrey'),
    signedBy: f('text', 'CC'),
    occurredAt: f('date', '2015-02-01'),
  }),
  endpoint(`${VARIATION}/pcc-approvals`, { party: f('slug', 'surrey'), occurredAt: f('date', '2015-02-01') }),
  endpoint(`${VARIATION}/withdrawal`, { reason: f('text', 'r'), occurredAt: f('date', '2015-02-01') }),
  endpoint(`${AGREEMENT}/host`, { hostForce: f('slug', 'thames-valley'), occurredAt: f('date', '2015-01-01') }),
  endpoint(`${AGREEMENT}/parties`, {
    party: f('slug', 'kent'),
    capacity: f('enum', 'policing-body', false),
    occurredAt: f('date', '2015-01-01'),
  }),
  endpoint(`${AGREEMENT}/withdrawal-notices`, {
    party: f('slug', 'surrey'),
    effectiveOn: f('date', '2016-01-01'),
    occurredAt: f('date', '2015-01-01'),
    override: f('override', { acceptedBy: 'The chief constables', reason: 'restructure' }, false),
    datePrecision: f('enum', 'month', false),
  }),
  endpoint(`${AGREEMENT}/terms`, {
    effectiveFrom: f('date', '2015-04-01'),
    terms: f('terms', {
      purpose: 'Joint roads policing',
      deliveryModel: 'joint-unit',
      contributions: [{ party: 'hampshire', shareBasisPoints: 10000 }],
      noticePeriod: { length: 6, unit: 'months' },
    }),
    occurredAt: f('date', '2015-01-01', false),
  }),
  endpoint(`${AGREEMENT}/withdrawals`, {
    party: f('slug', 'surrey'),
    occurredAt: f('date', '2015-01-01'),
    reason: f('text', 'r', false),
    datePrecision: f('enum', 'on-or-before', false),
  }),
  endpoint(`${AGREEMENT}/date-precision`, {
    facts: f('facts', [{ fact: 'in-force' }]),
    precision: f('enum', 'on-or-before'),
    reason: f('text', 'r'),
  }),
  endpoint(`${AGREEMENT}/reviews`, {
    outcome: f('text', 'ok'),
    nextReviewDue: f('date', '2019-01-01', false),
    occurredAt: f('date', '2015-01-01'),
  }),
  endpoint(`${AGREEMENT}/termination`, {
    reason: f('text', 'r'),
    occurredAt: f('date', '2015-01-01'),
    endUnits: f('bool', true, false),
  }),
  endpoint(`${AGREEMENT}/service-lines`, {
    serviceLineId: created('id', 'fz-line'),
    name: f('text', 'Dogs'),
    occurredAt: f('date', '2015-01-01', false),
  }),
  endpoint(`${AGREEMENT}/service-lines/sl1/ending`, {
    reason: f('text', 'Back to the forces'),
    occurredAt: f('date', '2015-07-02', false),
  }),
  endpoint(`${AGREEMENT}/savings`, {
    financialYear: f('enum', '2015-16'),
    kind: f('enum', 'forecast'),
    amountGbp: f('number', 10),
  }),
  // amountPence as a `number`: whole pence up to 2^53 - 1, so the `int` defects 2^31 and 1e12 are valid amounts.
  endpoint(`${AGREEMENT}/benefits`, {
    id: created('id', 'fz-new-entry'),
    kind: f('enum', 'saving'),
    status: f('enum', 'forecast'),
    amountPence: f('number', 1000, false),
    description: f('text', 'd', false),
    measure: f('text', 'm', false),
    financialYear: f('enum', '2015-16', false),
    attributedTo: f('slug', 'surrey', false),
    source: f('text', 's', false),
    note: f('text', 'n', false),
  }),
  endpoint(`${AGREEMENT}/benefits/fz-entry/correction`, {
    id: created('id', 'fz-corrected-entry'),
    kind: f('enum', 'saving'),
    status: f('enum', 'forecast'),
    amountPence: f('number', 1000, false),
    financialYear: f('enum', '2015-16'),
    attributedTo: f('slug', 'surrey', false),
    reason: f('text', 'r'),
  }),
  endpoint(`${AGREEMENT}/publication`, {
    publishedOn: f('date', '2014-04-10'),
    documentUrl: f('text', 'https://example.org/a.pdf', false),
    reference: f('text', 'R1', false),
    publishedBy: f('slug', 'hampshire'),
    occurredAt: f('date', '2014-04-10', false),
  }),
  endpoint(`${AGREEMENT}/publication-exemption`, {
    ground: f('enum', 'operations'),
    reason: f('text', 'r'),
    occurredAt: f('date', '2014-04-10', false),
  }),
  endpoint(`${AGREEMENT}/publication-withdrawal`, {
    reason: f('text', 'r'),
    occurredAt: f('date', '2014-04-10', false),
  }),
  endpoint('/boards', {
    id: created('id', 'fz-new-board'),
    name: f('text', 'B'),
    agreements: f('ids', ['fz-agreement']),
    chair: f('text', 'C'),
    maxDaysBetweenMeetings: f('int', 92),
    quorum: f('int', 2),
    rearrangeWithinDays: f('int', 28, false),
    occurredAt: f('date', '2015-04-01', false),
  }),
  endpoint(`${BOARD}/terms`, { quorum: f('int', 3), occurredAt: f('date', '2015-05-01') }),
  endpoint(`${BOARD}/accountability`, { kind: f('enum', 'programme'), occurredAt: f('date', '2015-05-01', false) }),
  endpoint(`${BOARD}/oversight`, {
    agreementId: f('id', 'fz-agreement'),
    change: f('enum', 'removed'),
    occurredAt: f('date', '2015-05-01', false),
  }),
  endpoint(`${BOARD}/meetings`, { meetingId: created('id', 'q9'), scheduledFor: f('date', '2015-06-15') }),
  endpoint(`${BOARD}/meetings/q1/held`, {
    occurredAt: f('date', '2015-06-15'),
    attendees: f('attendees', [{ name: 'PCC', body: 'hampshire' }]),
  }),
  endpoint(`${BOARD}/meetings/q1/cancellation`, { reason: f('text', 'r'), occurredAt: f('date', '2015-06-10') }),
  endpoint(`${BOARD}/meetings/q1/rearrangement`, {
    newDate: f('date', '2015-07-01'),
    occurredAt: f('date', '2015-06-10'),
  }),
  endpoint('/decisions', {
    id: created('id', 'fz-decision'),
    summary: f('text', 'S'),
    boardId: f('id', 'fz-board', false),
    meetingId: f('id', 'q1', false),
    agreementId: f('id', 'fz-agreement', false),
    variationId: f('id', 'fz-variation', false),
    occurredAt: f('date', '2015-06-15'),
  }),
  endpoint('/alerts/fz-alert/acknowledgement', { note: f('text', 'n', false) }),
  // A name no event records: the best a request can do is 404, so the log stays as it was.
  endpoint('/people/erasure', { name: f('text', 'Nobody Recorded'), reason: f('text', 'Erasure request') }),
];

type ParamKind =
  'position' | 'minPosition' | 'revision' | 'limit' | 'date' | 'datetime' | 'fy' | 'slug' | 'id' | 'enum' | 'text';
interface Read {
  path: string;
  route: string;
  params: Record<string, ParamKind>;
}
const read = (path: string, route: string, params: Record<string, ParamKind>): Read => ({ path, route, params });
const READS: Read[] = [
  read('/agreements', '/agreements', {
    party: 'slug',
    status: 'enum',
    area: 'text',
    legalBasis: 'enum',
    hostForce: 'slug',
    minPosition: 'minPosition',
  }),
  read(AGREEMENT, '/agreements/:id', { asOf: 'datetime', knownAt: 'datetime', minPosition: 'minPosition' }),
  read('/bodies/hampshire/collaborations', '/bodies/:id/collaborations', { asOf: 'date', minPosition: 'minPosition' }),
  read('/public/bodies/hampshire/agreements', '/public/bodies/:id/agreements', {
    limit: 'limit',
    format: 'enum',
    minPosition: 'minPosition',
  }),
  read(`${AGREEMENT}/publication`, '/agreements/:id/publication', { minPosition: 'minPosition' }),
  read('/boards', '/boards', { agreementId: 'id', minPosition: 'minPosition' }),
  read(BOARD, '/boards/:id', { minPosition: 'minPosition' }),
  read(`${BOARD}/compliance`, '/boards/:id/compliance', {
    asOf: 'date',
    financialYear: 'fy',
    knownAt: 'datetime',
    minPosition: 'minPosition',
  }),
  read('/bodies/hampshire/governance-statement', '/bodies/:id/governance-statement', {
    asOf: 'date',
    financialYear: 'fy',
    knownAt: 'datetime',
    minPosition: 'minPosition',
  }),
  read('/decisions', '/decisions', { boardId: 'id', meetingId: 'id', agreementId: 'id', minPosition: 'minPosition' }),
  read('/savings', '/savings', { by: 'enum', agreementId: 'id', financialYear: 'fy', minPosition: 'minPosition' }),
  read('/benefits', '/benefits', {
    by: 'enum',
    agreementId: 'id',
    force: 'slug',
    financialYear: 'fy',
    minPosition: 'minPosition',
  }),
  read('/alerts', '/alerts', {
    status: 'enum',
    rule: 'enum',
    severity: 'enum',
    boardId: 'id',
    agreementId: 'id',
    minPosition: 'minPosition',
  }),
  read('/alerts/fz-alert', '/alerts/:id', { minPosition: 'minPosition' }),
  read('/streams/agreement-fz-agreement/events', '/streams/:streamId/events', {
    fromRevision: 'revision',
    limit: 'limit',
  }),
  read('/events', '/events', { fromPosition: 'position', limit: 'limit' }),
];

const LONE_SURROGATES = ['\ud800', 'x\udc00y', 'PCC \ud83d', '\udfff\ud800'];
const loneSurrogate = fc.constantFrom(...LONE_SURROGATES);
const nul = fc.constantFrom('\u0000', 'a\u0000b', 'summary\u0000');
const OUT_OF_RANGE_DATES = [
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '0000-01-01',
  '0000-06-01T00:00:00Z',
  '0000-01-01T00:30:00+01:00',
  '9999-12-31T23:30:00-01:00',
  '275760-09-13',
  '2016-03-31T14:00:00+24:00',
];
const OUT_OF_RANGE_INTS = [2 ** 31, 2 ** 53, 1e308, -1e308, 1e-7, 5e-324, 0.5, -2];

/** Values that are never valid for a field of this kind (null/undefined excluded: optional fields accept them). */
const invalidFor = (kind: Kind): fc.Arbitrary<unknown> => {
  const wrongTypes = fc.oneof(
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
  );
  const controlChar = fc.constantFrom('\u0000', '\u0007', '\n', '\u001b', '\u007f', '\u0085');
  const withControl = fc.tuple(fc.stringMatching(/^[a-z0-9]{1,10}$/), controlChar).map(([s, c]) => s + c);
  const impossibleDates = fc.constantFrom(
    '2015-02-30',
    '2015-02-29',
    '2015-13-01',
    '2015-00-10',
    '2015-04-31',
    'yesterday',
    '31/03/2016',
    '2016-03-31T25:00:00Z',
    '',
    '2016-3-1',
  );
  switch (kind) {
    case 'id':
    case 'slug':
      return fc.oneof(
        wrongTypes,
        fc.integer(),
        withControl,
        loneSurrogate,
        fc.constantFrom(
          '',
          ' ',
          'Bad Slug',
          'x'.repeat(200),
          '../etc/passwd',
          "a' OR 1=1 --",
          'ünï',
          '-lead',
          '__proto__',
        ),
      );
    case 'text':
      return fc.oneof(wrongTypes, fc.integer(), loneSurrogate, nul, fc.constant(''), fc.constant('x'.repeat(10_001)));
    case 'date':
      return fc.oneof(
        wrongTypes,
        fc.integer(),
        impossibleDates,
        fc.constantFrom(...OUT_OF_RANGE_DATES),
        loneSurrogate,
        nul,
      );
    case 'int':
      return fc.oneof(wrongTypes, fc.string(), fc.constantFrom(-5, 0.5, 1e12, '3', ...OUT_OF_RANGE_INTS));
    case 'number':
      return fc.oneof(
        wrongTypes,
        fc.string(),
        fc.constantFrom(-1, 1.234, 1e16, 1e-7, 5e-324, 1e21, 1.005, -0.01, 2 ** 53),
      );
    case 'enum':
      return fc.oneof(
        wrongTypes,
        fc.integer(),
        loneSurrogate,
        nul,
        fc.constantFrom('9999-00', '0000-01', '2015-99', '2015-2016'),
        fc
          .string()
          .filter(
            (s) =>
              !['other', 's22A', 'joint-unit', '2015-16', 'forecast', 'day', 'month', 'year', 'on-or-before'].includes(
                s,
              ),
          ),
      );
    case 'bool':
      return fc.oneof(
        fc.constantFrom('true', 'false', 1, 0, '', 'yes'),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      );
    case 'slugs':
    case 'ids':
      return fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant([]),
        fc.array(fc.oneof(withControl, fc.integer(), loneSurrogate), { minLength: 1, maxLength: 3 }),
        fc.constant(Array.from({ length: 300 }, (_, i) => `x${i}`)),
      );
    case 'attendees':
      return fc.oneof(
        fc.string(),
        fc.constant([{ name: 'PCC' }]),
        fc.constant([{ name: 'PCC', body: 'hampshire', extra: 1 }]),
        fc.constant([{ name: 'PCC \ud800', body: 'hampshire' }]),
        fc.constant([{ name: 'PCC', body: 'hampshire', constructor: 'x' }]),
        fc.array(fc.integer(), { minLength: 1, maxLength: 2 }),
      );
    case 'terms':
      return fc.oneof(
        fc.string(),
        fc.constant([]),
        fc.constant({ purpose: 'P' }),
        fc.constant({ purpose: 'P', deliveryModel: 'joint-unit', noticePeriod: { length: 0, unit: 'months' } }),
        fc.constant({ purpose: 'P', deliveryModel: 'joint-unit', noticePeriod: { length: 3, unit: 'weeks' } }),
        fc.constant({ purpose: 'P', deliveryModel: 'joint-unit', contributions: [{ party: 'x y', amountPence: 1 }] }),
        fc.constant({
          purpose: 'P',
          deliveryModel: 'joint-unit',
          contributions: [{ party: 'kent', shareBasisPoints: 1e9 }],
        }),
        fc.constant({ purpose: 'P', deliveryModel: 'joint-unit', contributions: 'all' }),
        fc.constant({ purpose: 'P', deliveryModel: 'joint-unit', functions: ['ok', 3] }),
        fc.constant({ purpose: 'P \ud800', deliveryModel: 'joint-unit' }),
        fc.constant({ purpose: 'P', deliveryModel: 'joint-unit', constructor: 'x' }),
      );
    case 'override':
      return fc.oneof(
        fc.string(),
        fc.constant({ acceptedBy: 'CC' }),
        fc.constant({ acceptedBy: '', reason: 'r' }),
        fc.constant({ acceptedBy: 'CC \ud800', reason: 'r' }),
        fc.constant({ acceptedBy: 'CC', reason: 'r', extra: 1 }),
        fc.constant([{ acceptedBy: 'CC', reason: 'r' }]),
      );
    case 'facts':
      return fc.oneof(
        fc.string(),
        fc.constant([]),
        fc.constant([{ fact: 'met' }]),
        fc.constant([{ fact: 'signed' }]),
        fc.constant([{ fact: 'left', party: 'Bad Slug' }]),
        fc.constant([{ fact: 'in-force', extra: 1 }]),
        fc.constant([{ fact: 'in-force', constructor: 'x' }]),
        fc.constant([{ fact: '__proto__' }]),
        fc.constant(Array.from({ length: 60 }, () => ({ fact: 'in-force' }))),
        fc.array(fc.integer(), { minLength: 1, maxLength: 2 }),
      );
    case 'capacities':
      return fc.oneof(
        fc.string(),
        fc.constant({ party: 'hampshire', capacity: 'policing-body' }),
        fc.constant([{ party: 'hampshire' }]),
        fc.constant([{ party: 'hampshire', capacity: 'constable' }]),
        fc.constant([{ party: 'not a slug', capacity: 'policing-body' }]),
        fc.constant([{ party: 'kent', capacity: 'policing-body' }]),
        fc.constant([{ party: 'hampshire', capacity: 'policing-body', constructor: 'x' }]),
        fc.constant(Array.from({ length: 101 }, () => ({ party: 'hampshire', capacity: 'policing-body' }))),
      );
    case 'declared':
      return fc.oneof(
        fc.string(),
        fc.constant([{ description: 'd', count: 2 }]),
        fc.constant({ description: 'd' }),
        fc.constant({ description: '', count: 2 }),
        fc.constant({ description: 'd \ud800', count: 2 }),
        fc.constant({ description: 'd', count: 1 }),
        fc.constant({ description: 'd', count: 2.5 }),
        fc.constant({ description: 'd', count: 1e9 }),
        fc.constant({ description: 'd', count: '32' }),
        fc.constant({ description: 'd', count: 2, extra: 1 }),
      );
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
};

/** Arrays or objects nested past the body parser's limit, as JSON text (JSON.stringify would recurse). */
const deepJson = fc
  .tuple(fc.integer({ min: 33, max: 20_000 }), fc.boolean())
  .map(([levels, objects]) =>
    objects ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`,
  );

type Defect =
  | { kind: 'drop'; field: string }
  | { kind: 'bad'; field: string; value: unknown }
  | { kind: 'raw'; field: string; json: string }
  | { kind: 'unknown'; name: string; value: unknown };

const defectFor = (endpoint: Endpoint): fc.Arbitrary<Defect> => {
  const names = Object.keys(endpoint.fields);
  const required = names.filter((n) => endpoint.fields[n]!.required);
  const options: fc.Arbitrary<Defect>[] = [
    fc
      .constantFrom(...names)
      .chain((field) =>
        invalidFor(endpoint.fields[field]!.kind).map((value): Defect => ({ kind: 'bad', field, value })),
      ),
    fc
      .tuple(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 20 }),
          loneSurrogate,
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'actor', 'recordedAt', 'position', 'a\u0000'),
        ),
        fc.jsonValue(),
      )
      .filter(([name]) => !names.includes(name) && name !== 'expectedRevision')
      .map(([name, value]): Defect => ({ kind: 'unknown', name, value })),
    fc
      .constantFrom(-2, 1.5, '3', 2 ** 31, 1e20, true, [1])
      .map((value): Defect => ({ kind: 'bad', field: 'expectedRevision', value })),
    fc.tuple(fc.constantFrom(...names), deepJson).map(([field, json]): Defect => ({ kind: 'raw', field, json })),
  ];
  if (required.length > 0) options.push(fc.constantFrom(...required).map((field): Defect => ({ kind: 'drop', field })));
  return fc.oneof(...options);
};

const validBody = (endpoint: Endpoint): Record<string, unknown> =>
  Object.fromEntries(Object.entries(endpoint.fields).map(([k, v]) => [k, v.value]));

/** JSON text of the endpoint's valid body with the defects applied; raw fields are spliced in as text. */
function applyDefects(endpoint: Endpoint, defects: Defect[]): string {
  const body = validBody(endpoint);
  const raw: [string, string][] = [];
  for (const defect of defects) {
    if (defect.kind === 'drop') delete body[defect.field];
    else if (defect.kind === 'bad') body[defect.field] = defect.value;
    else if (defect.kind === 'raw') {
      delete body[defect.field];
      raw.push([defect.field, defect.json]);
    } else raw.push([defect.name, JSON.stringify(defect.value ?? null)]);
  }
  // Added as JSON text, so "__proto__" arrives as a real own key.
  let json = JSON.stringify(body);
  for (const [name, value] of raw)
    json = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${JSON.stringify(name)}:${value}}`;
  return json;
}

/** Percent-encodes a string for a query, lone surrogates as their WTF-8 bytes (encodeURIComponent throws on them). */
function encodeQueryText(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

const VALID_PARAMS: Record<ParamKind, string[]> = {
  position: ['1', '0'],
  minPosition: [],
  revision: ['0', '3'],
  limit: ['1', '1000'],
  date: ['2016-03-31', '0001-01-01'],
  datetime: ['2016-03-31', '2016-03-31T14:00:00+01:00'],
  fy: ['2015-16'],
  slug: ['hampshire'],
  id: ['fz-agreement', 'q1'],
  enum: ['in-force', 'open', 'region'],
  text: ['crime'],
};

/** Already percent-encoded: malformed escapes, invalid UTF-8, and the UTF-8 of a lone surrogate. */
const rawQueryJunk = fc.constantFrom('%', '%zz', '%FF', '%ED%A0%80', '%00', '%C0%80', 'a%00b', '%E2%80%AE');
const hostileQueryText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(3000),
    'constructor',
    '__proto__',
    'toString',
    '99999999999999999999',
    '9223372036854775808',
    '2147483648',
    '-1',
    '1e20',
    '1.5',
    'NaN',
    'Infinity',
    '0x1f',
    "' OR 1=1 --",
    '../../etc/passwd',
    '\u0000',
    'a\u0007b',
    '\u001b[31m',
    'é',
    'ffffffffffffffff/ffffffffffffffff',
    '9999-00',
    '0000-01',
    ...OUT_OF_RANGE_DATES,
    ...LONE_SURROGATES,
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const queryValue = (kind: ParamKind): fc.Arbitrary<string> => {
  const valid = VALID_PARAMS[kind];
  const hostile = fc.oneof(hostileQueryText.map(encodeQueryText), rawQueryJunk);
  // A well-formed minPosition past what the read models have would wait out its 5 s (WORKERS=off here).
  const hostileOnly =
    kind === 'minPosition' ? hostile.filter((v) => !/^\d+$/.test(decodeURIComponentSafe(v))) : hostile;
  return valid.length > 0
    ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...valid) }, { weight: 3, arbitrary: hostileOnly })
    : hostileOnly;
};
const decodeURIComponentSafe = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const UNKNOWN_PARAMS = [
  'constructor',
  '__proto__',
  'prototype',
  'hasOwnProperty',
  'actor',
  'x',
  'a%00b',
  'q%ED%A0%80',
  'limit[]',
];

const queryString = (r: Read): fc.Arbitrary<string> => {
  const names = Object.keys(r.params);
  const own = fc.constantFrom(...names).chain((name) => queryValue(r.params[name]!).map((value) => `${name}=${value}`));
  const unknown = fc
    .tuple(fc.constantFrom(...UNKNOWN_PARAMS), hostileQueryText.map(encodeQueryText))
    .map(([n, v]) => `${n}=${v}`);
  // Repeating a name makes its value an array.
  const repeated = fc
    .constantFrom(...names)
    .chain((name) =>
      fc.tuple(queryValue(r.params[name]!), queryValue(r.params[name]!)).map(([a, b]) => `${name}=${a}&${name}=${b}`),
    );
  return fc
    .array(
      fc.oneof({ weight: 4, arbitrary: own }, { weight: 1, arbitrary: unknown }, { weight: 1, arbitrary: repeated }),
      { minLength: 1, maxLength: 4 },
    )
    .map((parts) => parts.join('&'));
};

interface Attempt {
  /** `hostile`: must be refused with the log unchanged; `reserved`: an inherited name as a reference, refused the same way; `read`: never writes. */
  expect: 'hostile' | 'reserved' | 'read';
  route: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  contentType?: string;
  headers: Record<string, string>;
  as: 'admin' | 'officer';
}

const badPathId = fc.constantFrom(
  '%00',
  'a%0Ab',
  '..%2F..%2Fetc',
  'x'.repeat(300),
  '%E2%80%AE',
  'ünï',
  "a'--",
  '%',
  '-x',
  '%ED%A0%80',
  '%FF',
);
const reservedName = fc.constantFrom(...RESERVED_NAMES);
const asWho = fc.constantFrom('admin' as const, 'officer' as const);

/** The fields of a write that name an existing record (not the one it creates). */
const references = (e: Endpoint): string[] =>
  Object.keys(e.fields).filter(
    (k) => ['id', 'slug', 'ids', 'slugs'].includes(e.fields[k]!.kind) && !e.fields[k]!.creates,
  );

const post = (e: Endpoint, body: string, extra: Partial<Attempt> = {}): Attempt => ({
  expect: 'hostile',
  route: `POST ${e.route}`,
  method: 'POST',
  path: e.path,
  body,
  contentType: 'application/json',
  headers: {},
  as: 'admin',
  ...extra,
});

const MALFORMED_JSON = [
  '{"a":1,}',
  "{'id':'x'}",
  '{"a":NaN}',
  '{"a":1}{"b":2}',
  '',
  ' ',
  'null',
  '"text"',
  '\ufeff{"zz":1}',
  '{"a":"\\x41"}',
  '{"a":"\\ud800',
  '[',
  '{"a":01}',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=utf-32',
  'application/octet-stream',
];

const attempt: fc.Arbitrary<Attempt> = fc.oneof(
  // A valid request with one to three defects: reaches deep into validation.
  {
    weight: 8,
    arbitrary: fc
      .constantFrom(...WRITES)
      .chain((e) =>
        fc
          .tuple(fc.array(defectFor(e), { minLength: 1, maxLength: 3 }), asWho)
          .map(([defects, as]) => post(e, applyDefects(e, defects), { as })),
      ),
  },
  // Random JSON that is not an object, and malformed JSON.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...WRITES),
        fc.oneof(
          fc
            .jsonValue()
            .map((v) => JSON.stringify(v) ?? 'null')
            .filter((t) => !t.startsWith('{')),
          fc.constantFrom(...MALFORMED_JSON),
        ),
      )
      .map(([e, body]) => post(e, body)),
  },
  // A valid body cut short: never an object, so never valid.
  {
    weight: 1,
    arbitrary: fc.constantFrom(...WRITES).chain((e) => {
      const json = JSON.stringify(validBody(e));
      return fc.integer({ min: 1, max: json.length - 1 }).map((cut) => post(e, json.slice(0, cut)));
    }),
  },
  // Broken JSON, bodies over the size limit, and content types the service does not take.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...WRITES),
        fc.oneof(
          fc.string({ maxLength: 50 }).map((t) => `{${t}`),
          fc.constant(`{"title":"${'x'.repeat(150_000)}"}`),
        ),
        fc.constantFrom('application/json', ...CONTENT_TYPES),
      )
      .map(([e, body, contentType]) => post(e, body, { contentType })),
  },
  // A valid body sent as another content type: refused, whatever it says.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...WRITES), fc.constantFrom(...CONTENT_TYPES))
      .map(([e, contentType]) => post(e, JSON.stringify(validBody(e)), { contentType })),
  },
  // Hostile ids in the path, and hostile headers, on an otherwise valid body with one unknown field.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...WRITES.filter((e) => PATH_IDS.test(e.path))),
        badPathId,
        fc.record(
          {
            'Idempotency-Key': fc.constantFrom('ok-key-1', ' ', 'x'.repeat(300), 'é'),
            'X-Correlation-Id': fc.constantFrom('a b', 'x'.repeat(200), '\u00e9'),
          },
          { requiredKeys: [] },
        ),
        asWho,
      )
      .map(([e, id, headers, as]) => ({
        ...post(e, applyDefects(e, [{ kind: 'unknown', name: 'zz', value: 1 }]), {
          as,
          headers: headers,
        }),
        path: e.path.replace(PATH_IDS, id),
      })),
  },
  // Read routes with hostile query strings and path ids.
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom(...READS), asWho).chain(([r, as]) =>
      fc.tuple(queryString(r), fc.option(badPathId, { freq: 5 })).map(([query, id]) => ({
        expect: 'read' as const,
        route: `GET ${r.route}`,
        method: 'GET' as const,
        path: `${id !== null && PATH_IDS.test(r.path) ? r.path.replace(PATH_IDS, id) : r.path}?${query}`,
        headers: {},
        as,
      })),
    ),
  },
  // Names every object inherits, as the ids a write refers to (in its path or body) and a read looks up.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...WRITES.filter((e) => PATH_IDS.test(e.path) || references(e).length > 0)),
        reservedName,
        fc.boolean(),
        fc.nat(),
      )
      .map(([e, name, inPath, which]): Attempt => {
        const body = validBody(e);
        const refs = references(e);
        const ids = e.path.match(new RegExp(PATH_IDS, 'g')) ?? [];
        if ((inPath || refs.length === 0) && ids.length > 0) {
          // One of the path's ids (a board's or its meeting's), the others left as they are.
          const path = e.path.replace(ids[which % ids.length]!, name);
          return { ...post(e, JSON.stringify(body)), expect: 'reserved', path };
        }
        const field = refs[which % refs.length]!;
        body[field] = Array.isArray(body[field]) ? [name, ...(body[field] as unknown[]).slice(1)] : name;
        return { ...post(e, JSON.stringify(body)), expect: 'reserved' };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...READS.filter((r) => r.route.includes(':'))), reservedName)
      .map(([r, name]) => ({
        expect: 'read' as const,
        route: `GET ${r.route}`,
        method: 'GET' as const,
        path: r.path.replace(PATH_IDS, name).replace('hampshire', name),
        headers: {},
        as: 'admin' as const,
      })),
  },
);

const INTERNALS = /\bat .+:\d+:\d+|SELECT |INSERT |relation "|node_modules/;

for (const driver of testDrivers) {
  driver.describe(`fuzzing every route on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let clients: Record<'admin' | 'officer', Client>;

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      const env = { WORKERS: 'off', AUTH_JWT_SECRET: 'fuzz-test-secret-of-at-least-32-bytes!' };
      api = await startApi(database?.url ? { ...env, DATABASE_URL: database.url } : env);
      // One listening server for every request (supertest would otherwise open and close one per request).
      await api.app.listen(0, '127.0.0.1');
      const server = request(`http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`);
      const client = (token: string): Client => ({
        get: (path) => server.get(path).set('Authorization', `Bearer ${token}`),
        post: (path) => server.post(path).set('Authorization', `Bearer ${token}`),
      });
      clients = {
        admin: client(await api.token()),
        officer: client(await api.token({ sub: 'fuzz.officer', roles: ['officer'], force: 'thames-valley' })),
      };
      const given = async (path: string, body: object) => {
        const res = await api.admin.post(path).send(body);
        if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
      };
      // An agreement in force, so that writes which slip past validation reach the event store.
      const parties = ['hampshire', 'thames-valley', 'surrey'];
      await given('/agreements', {
        id: 'fz-agreement',
        title: 'Fuzz',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties,
        hostForce: 'hampshire',
        occurredAt: '2014-01-10',
      });
      for (const party of parties) {
        await given(`${AGREEMENT}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: '2014-02-01' });
        await given(`${AGREEMENT}/pcc-approvals`, { party, occurredAt: '2014-02-01' });
      }
      await given(`${AGREEMENT}/commencement`, { occurredAt: '2014-04-01' });
      await given(`${AGREEMENT}/benefits`, {
        id: 'fz-entry',
        kind: 'saving',
        status: 'forecast',
        amountPence: 100,
        financialYear: '2015-16',
      });
      await given(`${AGREEMENT}/service-lines`, { serviceLineId: 'sl1', name: 'Dogs', occurredAt: '2014-04-01' });
      await given(`${AGREEMENT}/variations`, {
        variationId: 'fz-variation',
        summary: 'Fuzz variation',
        proposedTerms: { purpose: 'Joint roads policing', deliveryModel: 'joint-unit' },
        occurredAt: '2015-01-01',
      });
      await given('/boards', {
        id: 'fz-board',
        name: 'Fuzz board',
        agreements: ['fz-agreement'],
        chair: 'C',
        maxDaysBetweenMeetings: 92,
        quorum: 2,
        occurredAt: '2015-04-01',
      });
      await given(`${BOARD}/meetings`, { meetingId: 'q1', scheduledFor: '2015-06-15' });
    }, 60_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test(`${RUNS} hostile requests: no 5xx, none over ${REQUEST_TIMEOUT_MS / 1000} s, problem+json without internals, the log unchanged by every refusal`, async () => {
      const store = api.app.get(EventStore);
      const head: Position | null = await store.headPosition();
      const statuses = new Map<number, number>();
      const routes = new Set<string>();
      let slowest = { ms: 0, request: '' };

      await fc.assert(
        fc.asyncProperty(attempt, async (a) => {
          const client = clients[a.as];
          const started = performance.now();
          const pending =
            a.method === 'GET'
              ? client.get(a.path)
              : client
                  .post(a.path)
                  .set('Content-Type', a.contentType ?? 'application/json')
                  .set(a.headers)
                  .send(a.body);
          const res = await pending.timeout(REQUEST_TIMEOUT_MS);
          const ms = performance.now() - started;
          if (ms > slowest.ms) slowest = { ms, request: `${a.method} ${a.path.slice(0, 80)} → ${res.status}` };
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          routes.add(a.route);

          expect(res.status).toBeLessThan(500);
          expect(res.text).not.toMatch(INTERNALS);
          if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          if (a.expect === 'hostile') expect(res.status).toBeGreaterThanOrEqual(400);
          if (a.expect === 'reserved')
            expect(`${a.method} ${a.path} ${a.body} → ${res.status}`).not.toMatch(/→ [23]\d\d$/);
          expect(await store.headPosition()).toEqual(head);
        }),
        { numRuns: RUNS, seed: SEED },
      );

      const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
      const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((sum, [, n]) => sum + n, 0);
      console.log(
        `fuzz on ${driver.name}: ${total} requests, ${fiveHundreds} × 5xx, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}, ` +
          `slowest ${slowest.ms.toFixed(0)} ms (${slowest.request})`,
      );
      // Every write route and every read route with query parameters was tried.
      expect([...routes].sort()).toEqual(
        [...new Set([...WRITES.map((e) => `POST ${e.route}`), ...READS.map((r) => `GET ${r.route}`)])].sort(),
      );
      // The generator reaches past validation too (403s, 404s, 409s, 413s, 415s, 422s), not only 400s.
      expect([...statuses.keys()].filter((s) => s !== 400).length).toBeGreaterThan(3);
    }, 600_000);
  });
}
