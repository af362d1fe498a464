import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { EventStore } from '#event-store';
import { toProblem } from '#platform';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { problemOf } from '../support/http.js';

/*
 * Input the database or a built-in cannot take, each once answered 500 (a lie about whose fault it
 * is): now a 400 problem naming the field and the rule it broke, with nothing written. The writes go
 * to an agreement in force, so that without the edge's checks they would reach the event store.
 */

const SECRET = 'odd-input-test-secret-of-at-least-32-bytes';
const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

interface Case {
  name: string;
  method: 'get' | 'post';
  path: string;
  /** JSON text, sent as it is, so that escapes like \ud800 arrive unchanged. */
  body?: string;
  headers?: Record<string, string>;
  field: string;
  rule: string;
}

const post = (
  name: string,
  path: string,
  body: string,
  field: string,
  rule: string,
  headers?: Record<string, string>,
): Case => ({ name, method: 'post', path, body, field, rule, headers });
const get = (name: string, path: string, field: string, rule: string): Case => ({
  name,
  method: 'get',
  path,
  field,
  rule,
});

const CASES: Case[] = [
  post(
    'a lone surrogate in a variation summary',
    '/agreements/odd/variations',
    '{"summary":"x\\ud800y","occurredAt":"2015-01-01"}',
    'summary',
    'isWellFormedText',
  ),
  post(
    'a lone low surrogate in a decision summary',
    '/decisions',
    '{"id":"d1","summary":"\\udc00","agreementId":"odd","occurredAt":"2015-01-01"}',
    'summary',
    'isWellFormedText',
  ),
  post(
    'a lone surrogate in an attendee name',
    '/boards/odd-board/meetings/q1/held',
    '{"occurredAt":"2015-06-15","attendees":[{"name":"PCC \\ud83d","body":"hampshire"}]}',
    'attendees[0].name',
    'isWellFormedText',
  ),
  post(
    'a lone surrogate in a field name',
    '/agreements/odd/variations',
    '{"summary":"x","occurredAt":"2015-01-01","\\ud800":1}',
    '\ud800',
    'isWellFormedText',
  ),
  post(
    'a NUL character in a termination reason',
    '/agreements/odd/termination',
    '{"reason":"a\\u0000b","occurredAt":"2015-01-01"}',
    'reason',
    'isWellFormedText',
  ),
  post(
    'JSON nested 5,000 levels deep',
    '/agreements/odd/variations',
    `{"summary":"x","occurredAt":"2015-01-01","z":${deep(5000)}}`,
    'body',
    'entity-too-deep',
  ),
  post(
    'JSON nested 5,000 levels deep with an Idempotency-Key',
    '/agreements/odd/variations',
    `{"summary":"x","occurredAt":"2015-01-01","z":${deep(5000)}}`,
    'body',
    'entity-too-deep',
    { 'Idempotency-Key': 'deep-1' },
  ),
  post(
    'an occurredAt in year 10000',
    '/agreements/odd/variations',
    '{"summary":"x","occurredAt":"+010000-01-01T00:00:00Z"}',
    'occurredAt',
    'isOccurredAt',
  ),
  post(
    'an occurredAt whose offset pushes it past 9999-12-31T23:59:59Z',
    '/agreements/odd/variations',
    '{"summary":"x","occurredAt":"9999-12-31T23:30:00-01:00"}',
    'occurredAt',
    'isOccurredAt',
  ),
  post(
    'an occurredAt whose offset pulls it before year 0000',
    '/agreements/odd/variations',
    '{"summary":"x","occurredAt":"0000-01-01T00:30:00+01:00"}',
    'occurredAt',
    'isOccurredAt',
  ),
  post(
    'an occurredAt in year 0000, which PostgreSQL does not have',
    '/agreements/odd/variations',
    '{"summary":"x","occurredAt":"0000-06-01T00:00:00Z"}',
    'occurredAt',
    'isOccurredAt',
  ),
  post(
    'an expectedRevision above 2^31-1',
    '/agreements/odd/variations',
    '{"summary":"x","occurredAt":"2015-01-01","expectedRevision":2147483648}',
    'expectedRevision',
    'max',
  ),
  post(
    'an amount of 1e-7 pounds',
    '/agreements/odd/savings',
    '{"financialYear":"2015-16","kind":"forecast","amountGbp":1e-7}',
    'amountGbp',
    'isAmountGbp',
  ),
  post(
    'a savings financial year ending in year 10000',
    '/agreements/odd/savings',
    '{"financialYear":"9999-00","kind":"forecast","amountGbp":1}',
    'financialYear',
    'isFinancialYear',
  ),
  get('financialYear=0000-01 on savings', '/savings?financialYear=0000-01', 'financialYear', 'isFinancialYear'),
  get(
    'a fromRevision of 99999999999999999999',
    '/streams/agreement-odd/events?fromRevision=99999999999999999999',
    'fromRevision',
    'max',
  ),
  get('a NUL byte in a query string', '/agreements?area=a%00b', 'area', 'isWellFormedText'),
  get('asOf=0000-01-01 on a body', '/bodies/hampshire/collaborations?asOf=0000-01-01', 'asOf', 'isCalendarDate'),
  get('asOf=0000-01-01 on a board', '/boards/odd-board/compliance?asOf=0000-01-01', 'asOf', 'isCalendarDate'),
  get('asOf=0000-01-01 on an agreement', '/agreements/odd?asOf=0000-01-01', 'asOf', 'isOccurredAt'),
];

for (const driver of testDrivers) {
  driver.describe(`odd input on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    const head = () => api.app.get(EventStore).headPosition();

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi({
        WORKERS: 'off',
        AUTH_JWT_SECRET: SECRET,
        ...(database?.url ? { DATABASE_URL: database.url } : {}),
      });
      const given = async (path: string, body: object) => {
        const res = await api.admin.post(path).send(body);
        if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
      };
      const parties = ['hampshire', 'thames-valley'];
      await given('/agreements', {
        id: 'odd',
        title: 'Odd',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties,
        occurredAt: '2014-01-10',
      });
      for (const party of parties) {
        await given('/agreements/odd/signatures', { party, signedBy: 'Chief Constable', occurredAt: '2014-02-01' });
        await given('/agreements/odd/pcc-approvals', { party, occurredAt: '2014-02-01' });
      }
      await given('/agreements/odd/commencement', { occurredAt: '2014-04-01' });
      await given('/boards', {
        id: 'odd-board',
        name: 'Odd board',
        agreements: ['odd'],
        chair: 'C',
        maxDaysBetweenMeetings: 92,
        quorum: 1,
        occurredAt: '2015-04-01',
      });
      await given('/boards/odd-board/meetings', { meetingId: 'q1', scheduledFor: '2015-06-15' });
    }, 60_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test.each(CASES)(
      '$name is a 400 naming $field and the rule $rule, and writes nothing',
      async ({ method, path, body, headers, field, rule }) => {
        const before = await head();
        const request =
          method === 'get'
            ? api.admin.get(path)
            : api.admin
                .post(path)
                .set('Content-Type', 'application/json')
                .set(headers ?? {})
                .send(body);
        const res = await request;
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          status: 400,
          title: expect.any(String),
          detail: expect.any(String),
          code: expect.any(String),
        });
        expect(problemOf(res).errors).toContainEqual(expect.objectContaining({ field, rule }));
        expect(await head()).toBe(before);
      },
    );

    test('values just inside those ranges pass the edge and are recorded or answered', async () => {
      const variation = {
        summary: 'x\ud83d\ude00y, a surrogate pair (an emoji)',
        occurredAt: '2015-01-01T00:30:00+00:00',
        expectedRevision: 5,
      };
      expect((await api.admin.post('/agreements/odd/variations').send(variation)).status).toBe(201);
      expect(
        (
          await api.admin
            .post('/agreements/odd/savings')
            .send({ financialYear: '2015-16', kind: 'forecast', amountGbp: 0.01 })
        ).status,
      ).toBe(201);
      expect(
        (await api.admin.post('/boards/odd-board/meetings').send({ meetingId: 'last', scheduledFor: '9999-12-31' }))
          .status,
      ).toBe(201);
      expect((await api.admin.get('/streams/agreement-odd/events?fromRevision=2147483647')).status).toBe(200);
      expect((await api.admin.get('/bodies/hampshire/collaborations?asOf=0001-01-01')).status).toBe(200);
      expect((await api.admin.get('/agreements/odd?knownAt=9999-12-31T23:30:00%2B01:00')).status).toBe(200);
      // Valid, and the agreement did not exist yet: the read's own answer, not the edge's.
      expect((await api.admin.get('/agreements/odd?asOf=0001-01-01T00:30:00%2B00:30')).status).toBe(404);
    });
  });
}

test('a RangeError no validator caught is the request’s 400, not a 500', () => {
  expect(toProblem(new RangeError('Invalid time value'))).toMatchObject({ status: 400, code: 'out-of-range' });
  expect(toProblem(new Error('a bug of ours')).status).toBe(500);
});
