import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { startApi, type ApiHarness, type Client } from './api-harness.js';
import { bodyOf, eventsOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * Two API processes on one PostgreSQL database, as behind a load balancer (docs/operations.md,
 * "Several instances"): the write limit holds for both together, a write on one is read back on the
 * other through minPosition, an Idempotency-Key is honoured across them, a state folded and cached
 * on one is not trusted after the other wrote, and a token one issued verifies on the other.
 */

const WRITE_LIMIT = 5;
/** Both instances configured as docs/operations.md says: one database, one signing secret. */
const SECRET = 'two-instances-test-secret-of-at-least-32-bytes';

let database: TestDatabase;
let a: ApiHarness;
let b: ApiHarness;

const draft = (id: string) => ({
  id,
  title: `Agreement ${id}`,
  legalBasis: 's22A',
  businessArea: 'roads policing',
  deliveryModel: 'host-force',
  parties: ['avon-somerset', 'dorset'],
  hostForce: 'avon-somerset',
  occurredAt: '2014-01-10',
});

/** Requests as one administrator on A and on B; each test writes as its own, so the limit counts only its writes. */
async function adminOnBoth(sub: string): Promise<{ onA: Client; onB: Client }> {
  const token = await a.token({ sub, roles: ['admin'] });
  return { onA: a.client(token), onB: b.client(token) };
}

const agreementEvents = async (api: ApiHarness, id: string) =>
  eventsOf(await api.admin.get(`/streams/agreement-${id}/events?limit=1000`));

async function countInWindow(sub: string): Promise<number> {
  const client = new pg.Client({ connectionString: database.url as string });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(
      `SELECT count FROM rate_limit_windows WHERE scope = 'writes' AND key = $1`,
      [sub],
    );
    return rows[0]?.count ?? 0;
  } finally {
    await client.end();
  }
}

postgresDriver.describe('two API instances on one PostgreSQL database', () => {
  beforeAll(async () => {
    database = await postgresDriver.create();
    await database.db.close();
    const env = {
      DATABASE_URL: database.url as string,
      AUTH_JWT_SECRET: SECRET,
      RATE_LIMIT_WRITES: `${WRITE_LIMIT}/1m`,
    };
    a = await startApi(env);
    b = await startApi(env);
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.dispose();
  }, 60_000);

  test(`the write limit holds across instances: ${WRITE_LIMIT} writes spread over A and B succeed, the next is 429 on either`, async () => {
    const { onA, onB } = await adminOnBoth('busy.writer@dorset.pnn.police.uk');
    for (let n = 0; n < WRITE_LIMIT; n++) {
      const res = await (n % 2 === 0 ? onA : onB).post('/agreements').send(draft(`limited-${n}`));
      expect({ n, status: res.status }).toEqual({ n, status: 201 });
      expect(res.headers['ratelimit-remaining']).toBe(String(WRITE_LIMIT - n - 1));
    }
    for (const client of [onA, onB] as Client[]) {
      const refused = await client.post('/agreements').send(draft('one-too-many'));
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Reads are not limited, and another person still has their own allowance.
    expect((await onB.get('/agreements/limited-0')).status).toBe(200);
    expect((await b.admin.post('/agreements').send(draft('someone-else'))).status).toBe(201);
    // The 429s counted too: the window holds them all.
    expect(await countInWindow('busy.writer@dorset.pnn.police.uk')).toBe(WRITE_LIMIT + 2);
  });

  test('read-your-writes: a write on A is read back on B by passing its position as minPosition', async () => {
    const { onA } = await adminOnBoth('reader.writer@dorset.pnn.police.uk');
    const written = await onA.post('/agreements').send(draft('read-back'));
    expect(written.status).toBe(201);
    const read = await b.admin.get(`/agreements/read-back?minPosition=${bodyOf<AppendedBody>(written).position}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ title: 'Agreement read-back', status: 'drafted' });
  });

  test('the same Idempotency-Key on A then B writes one event and answers the same', async () => {
    const { onA, onB } = await adminOnBoth('retrier@dorset.pnn.police.uk');
    const first = await onA.post('/agreements').set('Idempotency-Key', 'draft-once').send(draft('once'));
    const again = await onB.post('/agreements').set('Idempotency-Key', 'draft-once').send(draft('once'));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await agreementEvents(b, 'once')).toHaveLength(1);
  });

  test('a state A folded and cached is not trusted after B wrote: A decides on the fresh stream, and a stale expectedRevision is a 409', async () => {
    const { onA, onB } = await adminOnBoth('signer@dorset.pnn.police.uk');
    expect((await onA.post('/agreements').send(draft('cached'))).status).toBe(201);
    // A folds (and caches) the stream at revision 0 for this signature; B then signs for dorset.
    const signAvon = await onA.post('/agreements/cached/signatures').send({
      party: 'avon-somerset',
      signedBy: 'Chief Constable',
      occurredAt: '2014-02-01',
    });
    expect(bodyOf<AppendedBody>(signAvon).revision).toBe(1);
    const signDorset = await onB.post('/agreements/cached/signatures').send({
      party: 'dorset',
      signedBy: 'Chief Constable',
      occurredAt: '2014-02-02',
    });
    expect({ status: signDorset.status, revision: bodyOf<AppendedBody>(signDorset).revision }).toEqual({
      status: 201,
      revision: 2,
    });
    // A signing for dorset again must see B's signature, though A's cache stopped at revision 1.
    const twice = await onA.post('/agreements/cached/signatures').send({
      party: 'dorset',
      signedBy: 'Chief Constable',
      occurredAt: '2014-02-03',
    });
    expect(twice.body).toMatchObject({ status: 409, code: 'party-already-signed' });
    expect(problemOf(twice).detail).toContain('2014-02-02');
    const stale = await onA
      .post('/agreements/cached/pcc-approvals')
      .send({ party: 'dorset', occurredAt: '2014-02-15', expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'concurrency-conflict', currentRevision: 2 });
    expect(await agreementEvents(a, 'cached')).toHaveLength(3);
  });

  test('a token issued by A verifies on B when both have the same AUTH_JWT_SECRET', async () => {
    const token = await a.token({ sub: 'reader@dorset.pnn.police.uk', roles: ['officer'], force: 'dorset' });
    expect((await b.client(token).get('/agreements/read-back')).status).toBe(200);
  });

  test('when the count cannot be taken a valid write still goes through (fail open), and counting resumes', async () => {
    const admin = new pg.Client({ connectionString: database.url as string });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE rate_limit_windows RENAME TO rate_limit_windows_away');
      expect(
        (await (await adminOnBoth('unlucky@dorset.pnn.police.uk')).onA.post('/agreements').send(draft('uncounted')))
          .status,
      ).toBe(201);
    } finally {
      await admin.query('ALTER TABLE rate_limit_windows_away RENAME TO rate_limit_windows');
      await admin.end();
    }
    const counted = await (
      await adminOnBoth('unlucky@dorset.pnn.police.uk')
    ).onB
      .post('/agreements')
      .send(draft('counted-again'));
    expect(counted.status).toBe(201);
    expect(counted.headers['ratelimit-remaining']).toBe(String(WRITE_LIMIT - 1));
  });
});
