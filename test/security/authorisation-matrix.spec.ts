import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { EventStore } from '#event-store';
import { ADMIN_ACTOR, startApi, type ApiHarness, type Client, type TokenClaims } from '../api/api-harness.js';
import { bodyOf, problemOf, eventsOf, type AppendedBody } from '../support/http.js';

/*
 * The authorisation matrix of docs/security.md, one test per cell: every write endpoint and the reads,
 * for each kind of caller. An allowed write must succeed and name its caller as the actor; a
 * refused one is 401/403 problem+json and leaves the log as it was. Each cell sets up its own
 * records (as an administrator) so cells do not depend on each other.
 */

type Caller =
  'admin' | 'auditor' | 'officer of a party' | 'officer of another force' | 'token without a role' | 'no token';
const CALLERS: Caller[] = [
  'admin',
  'auditor',
  'officer of a party',
  'officer of another force',
  'token without a role',
  'no token',
];
const CLAIMS: Record<Exclude<Caller, 'no token'>, TokenClaims> = {
  admin: { sub: 'ops.lead', roles: ['admin'] },
  auditor: { sub: 'panel.member', roles: ['auditor'] },
  'officer of a party': { sub: 'jane.doe', roles: ['officer'], force: 'thames-valley' },
  'officer of another force': { sub: 'dai.jones', roles: ['officer'], force: 'gwent' },
  'token without a role': { sub: 'visitor', roles: [] },
};
const ACTORS: Partial<Record<Caller, string>> = {
  admin: 'admin:ops.lead',
  'officer of a party': 'officer:jane.doe (thames-valley)',
};
const PARTIES = ['hampshire', 'thames-valley', 'surrey'];
const ATTENDEES = [
  { name: 'PCC', body: 'hampshire' },
  { name: 'PCC', body: 'thames-valley' },
];

let api: ApiHarness;
const clients = {} as Record<Caller, Client>;

async function setup(path: string, body: object): Promise<void> {
  const res = await api.admin.post(path).send(body);
  if (res.status !== 201) throw new Error(`setup ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
}
const draft = (id: string) =>
  setup('/agreements', {
    id,
    title: `Agreement ${id}`,
    legalBasis: 's22A',
    businessArea: 'roads policing',
    deliveryModel: 'joint-unit',
    parties: PARTIES,
    hostForce: 'hampshire',
    occurredAt: '2014-01-10',
  });
async function signAll(id: string): Promise<void> {
  for (const party of PARTIES)
    await setup(`/agreements/${id}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: '2014-02-01' });
}
async function approveAll(id: string): Promise<void> {
  for (const party of PARTIES) await setup(`/agreements/${id}/pcc-approvals`, { party, occurredAt: '2014-02-15' });
}
async function inForce(id: string): Promise<void> {
  await draft(id);
  await signAll(id);
  await approveAll(id);
  await setup(`/agreements/${id}/commencement`, { occurredAt: '2014-04-01' });
}
const PROPOSAL = {
  summary: 'Hampshire hosts',
  proposedTerms: { purpose: 'Joint roads policing', deliveryModel: 'host-force', hostForce: 'hampshire' },
};
async function proposed(id: string): Promise<void> {
  await inForce(id);
  await setup(`/agreements/${id}/variations`, { variationId: 'v1', ...PROPOSAL, occurredAt: '2015-01-05' });
}
const board = async (id: string) => {
  await draft(id);
  await setup('/boards', {
    id,
    name: `Board ${id}`,
    agreements: [id],
    chair: 'PCC for Thames Valley',
    maxDaysBetweenMeetings: 92,
    quorum: 2,
    occurredAt: '2015-04-01',
  });
};
const meeting = async (id: string) => {
  await board(id);
  await setup(`/boards/${id}/meetings`, { meetingId: 'q1', scheduledFor: '2015-06-15' });
};
async function alert(id: string): Promise<void> {
  await board(id);
  await api.app.get(EventStore).append(
    `alert-${id}`,
    [
      {
        type: 'AlertRaised',
        occurredAt: '2016-01-01T00:00:00.000Z',
        data: {
          alertId: id,
          rule: 'meeting-overdue',
          severity: 'red',
          subject: { boardId: id, meetingId: null, agreementId: null, party: null },
          reason: 'No meeting held',
          breachedOn: '2015-12-31',
          occurrence: 1,
        },
      },
    ],
    { expectedRevision: 'no-stream', actor: 'system:compliance', correlationId: randomUUID() },
  );
}

interface WriteRow {
  endpoint: string;
  allowed: Caller[];
  /** Creates what the write needs (as an administrator) under the cell's own id. */
  given?: (id: string) => Promise<void>;
  when: (id: string) => [path: string, body: object];
}

const ADMIN_ONLY: Caller[] = ['admin'];
const PARTY: Caller[] = ['admin', 'officer of a party'];

const WRITES: WriteRow[] = [
  {
    endpoint: 'POST /bodies',
    allowed: ADMIN_ONLY,
    when: (id) => ['/bodies', { id, name: `Body ${id}`, kind: 'local-authority' }],
  },
  {
    endpoint: 'POST /agreements',
    allowed: PARTY,
    when: (id) => [
      '/agreements',
      {
        id,
        title: 'New',
        legalBasis: 'mou',
        businessArea: 'ICT',
        deliveryModel: 'virtual',
        parties: ['hampshire', 'thames-valley'],
      },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/signatures',
    allowed: PARTY,
    given: draft,
    when: (id) => [
      `/agreements/${id}/signatures`,
      { party: 'hampshire', signedBy: 'Chief Constable', occurredAt: '2014-02-01' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/pcc-approvals',
    allowed: PARTY,
    given: draft,
    when: (id) => [`/agreements/${id}/pcc-approvals`, { party: 'hampshire', occurredAt: '2014-02-15' }],
  },
  {
    endpoint: 'POST /agreements/:id/commencement',
    allowed: PARTY,
    given: async (id) => {
      await draft(id);
      await signAll(id);
      await approveAll(id);
    },
    when: (id) => [`/agreements/${id}/commencement`, { occurredAt: '2014-04-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/variations',
    allowed: PARTY,
    given: inForce,
    when: (id) => [`/agreements/${id}/variations`, { summary: 'Adds dogs', occurredAt: '2015-01-05' }],
  },
  {
    endpoint: 'POST /agreements/:id/variations (a proposal of terms)',
    allowed: PARTY,
    given: inForce,
    when: (id) => [`/agreements/${id}/variations`, { variationId: 'v1', ...PROPOSAL, occurredAt: '2015-01-05' }],
  },
  {
    endpoint: 'POST /agreements/:id/variations/:vid/signatures',
    allowed: PARTY,
    given: proposed,
    when: (id) => [
      `/agreements/${id}/variations/v1/signatures`,
      { party: 'hampshire', signedBy: 'Chief Constable', occurredAt: '2015-02-01' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/variations/:vid/pcc-approvals',
    allowed: PARTY,
    given: proposed,
    when: (id) => [`/agreements/${id}/variations/v1/pcc-approvals`, { party: 'hampshire', occurredAt: '2015-02-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/variations/:vid/withdrawal',
    allowed: PARTY,
    given: proposed,
    when: (id) => [`/agreements/${id}/variations/v1/withdrawal`, { reason: 'Not needed', occurredAt: '2015-02-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/host',
    allowed: PARTY,
    given: inForce,
    when: (id) => [`/agreements/${id}/host`, { hostForce: 'thames-valley', occurredAt: '2015-02-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/parties',
    allowed: PARTY,
    given: inForce,
    when: (id) => [`/agreements/${id}/parties`, { party: 'kent', occurredAt: '2015-03-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/withdrawal-notices',
    allowed: PARTY,
    given: inForce,
    when: (id) => [
      `/agreements/${id}/withdrawal-notices`,
      { party: 'surrey', effectiveOn: '2016-03-31', occurredAt: '2015-09-30' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/terms',
    allowed: PARTY,
    given: draft,
    when: (id) => [
      `/agreements/${id}/terms`,
      {
        effectiveFrom: '2014-04-01',
        terms: {
          purpose: 'Joint roads policing',
          deliveryModel: 'joint-unit',
          contributions: [
            { party: 'hampshire', shareBasisPoints: 5000 },
            { party: 'thames-valley', shareBasisPoints: 5000 },
          ],
          noticePeriod: { length: 6, unit: 'months' },
        },
        occurredAt: '2014-02-01',
      },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/withdrawals',
    allowed: PARTY,
    given: async (id) => {
      await inForce(id);
      await setup(`/agreements/${id}/withdrawal-notices`, {
        party: 'surrey',
        effectiveOn: '2016-03-31',
        occurredAt: '2015-09-30',
      });
    },
    when: (id) => [`/agreements/${id}/withdrawals`, { party: 'surrey', occurredAt: '2016-03-31' }],
  },
  {
    endpoint: 'POST /agreements/:id/date-precision',
    allowed: PARTY,
    given: inForce,
    when: (id) => [
      `/agreements/${id}/date-precision`,
      { facts: [{ fact: 'in-force' }], precision: 'on-or-before', reason: 'A register page lists it by then.' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/planned-start',
    allowed: PARTY,
    given: draft,
    when: (id) => [
      `/agreements/${id}/planned-start`,
      { plannedStart: '2014-09-01', reason: 'May be September', occurredAt: '2014-02-01' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/supersessions',
    allowed: PARTY,
    given: async (id) => {
      await draft(`${id}-old`);
      await draft(id);
    },
    when: (id) => [`/agreements/${id}/supersessions`, { supersedes: `${id}-old`, occurredAt: '2014-02-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/reviews',
    allowed: PARTY,
    given: inForce,
    when: (id) => [`/agreements/${id}/reviews`, { outcome: 'Continue', occurredAt: '2016-03-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/termination',
    allowed: PARTY,
    given: inForce,
    when: (id) => [`/agreements/${id}/termination`, { reason: 'Replaced', occurredAt: '2016-04-01' }],
  },
  {
    endpoint: 'POST /agreements/:id/service-lines',
    allowed: PARTY,
    given: inForce,
    when: (id) => [
      `/agreements/${id}/service-lines`,
      { serviceLineId: 'dogs', name: 'Dogs', occurredAt: '2014-04-01' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/service-lines/:sid/ending',
    allowed: PARTY,
    given: async (id) => {
      await inForce(id);
      await setup(`/agreements/${id}/service-lines`, { serviceLineId: 'dogs', name: 'Dogs', occurredAt: '2014-04-01' });
    },
    when: (id) => [
      `/agreements/${id}/service-lines/dogs/ending`,
      { reason: 'Back to the forces', occurredAt: '2015-07-02' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/savings',
    allowed: PARTY,
    given: inForce,
    when: (id) => [`/agreements/${id}/savings`, { financialYear: '2015-16', kind: 'forecast', amountGbp: 1000 }],
  },
  {
    endpoint: 'POST /agreements/:id/benefits',
    allowed: PARTY,
    given: inForce,
    when: (id) => [
      `/agreements/${id}/benefits`,
      { id: 'realised-2015-16', kind: 'saving', status: 'realised', amountPence: 100_000, financialYear: '2015-16' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/benefits/:entryId/correction',
    allowed: PARTY,
    given: async (id) => {
      await inForce(id);
      await setup(`/agreements/${id}/benefits`, {
        id: 'forecast-2015-16',
        kind: 'saving',
        status: 'forecast',
        amountPence: 100_000,
        financialYear: '2015-16',
      });
    },
    when: (id) => [
      `/agreements/${id}/benefits/forecast-2015-16/correction`,
      {
        id: 'forecast-2015-16-corrected',
        kind: 'saving',
        status: 'forecast',
        amountPence: 120_000,
        financialYear: '2015-16',
        attributedTo: 'surrey',
        reason: 'Surrey share only',
      },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/publication',
    allowed: PARTY,
    given: inForce,
    when: (id) => [
      `/agreements/${id}/publication`,
      { publishedOn: '2014-04-10', documentUrl: 'https://example.org/a.pdf', publishedBy: 'thames-valley' },
    ],
  },
  {
    endpoint: 'POST /agreements/:id/publication-exemption',
    allowed: PARTY,
    given: draft,
    when: (id) => [`/agreements/${id}/publication-exemption`, { ground: 'operations', reason: 'Covert tactics' }],
  },
  {
    endpoint: 'POST /agreements/:id/publication-withdrawal',
    allowed: PARTY,
    given: async (id) => {
      await inForce(id);
      await setup(`/agreements/${id}/publication`, {
        publishedOn: '2014-04-10',
        reference: 'TVP/2014/1',
        publishedBy: 'hampshire',
      });
    },
    when: (id) => [`/agreements/${id}/publication-withdrawal`, { reason: 'Superseded text' }],
  },
  {
    endpoint: 'POST /boards',
    allowed: ADMIN_ONLY,
    given: draft,
    when: (id) => [
      '/boards',
      {
        id,
        name: 'Board',
        agreements: [id],
        chair: 'PCC',
        maxDaysBetweenMeetings: 92,
        quorum: 2,
        occurredAt: '2015-04-01',
      },
    ],
  },
  {
    endpoint: 'POST /boards/:id/terms',
    allowed: PARTY,
    given: board,
    when: (id) => [`/boards/${id}/terms`, { quorum: 3, occurredAt: '2015-05-01' }],
  },
  {
    endpoint: 'POST /boards/:id/accountability',
    allowed: PARTY,
    given: board,
    when: (id) => [`/boards/${id}/accountability`, { kind: 'joint-accountability', occurredAt: '2015-05-01' }],
  },
  {
    endpoint: 'POST /boards/:id/oversight',
    allowed: PARTY,
    given: async (id) => {
      await board(id);
      await draft(`${id}-more`);
    },
    when: (id) => [`/boards/${id}/oversight`, { agreementId: `${id}-more`, change: 'added', occurredAt: '2015-05-01' }],
  },
  {
    endpoint: 'POST /boards/:id/meetings',
    allowed: PARTY,
    given: board,
    when: (id) => [`/boards/${id}/meetings`, { meetingId: 'q1', scheduledFor: '2015-06-15' }],
  },
  {
    endpoint: 'POST /boards/:id/meetings/:mid/held',
    allowed: PARTY,
    given: meeting,
    when: (id) => [`/boards/${id}/meetings/q1/held`, { occurredAt: '2015-06-15', attendees: ATTENDEES }],
  },
  {
    endpoint: 'POST /boards/:id/meetings/:mid/cancellation',
    allowed: PARTY,
    given: meeting,
    when: (id) => [`/boards/${id}/meetings/q1/cancellation`, { reason: 'Chair unavailable', occurredAt: '2015-06-10' }],
  },
  {
    endpoint: 'POST /boards/:id/meetings/:mid/rearrangement',
    allowed: PARTY,
    given: meeting,
    when: (id) => [`/boards/${id}/meetings/q1/rearrangement`, { newDate: '2015-07-01', occurredAt: '2015-06-10' }],
  },
  {
    endpoint: 'POST /decisions',
    allowed: PARTY,
    given: meeting,
    when: (id) => [
      '/decisions',
      { id, summary: 'Joint dogs unit', boardId: id, meetingId: 'q1', agreementId: id, occurredAt: '2015-06-15' },
    ],
  },
  {
    endpoint: 'POST /people/erasure',
    allowed: ADMIN_ONLY,
    given: async (id) => {
      await draft(id);
      await setup(`/agreements/${id}/signatures`, {
        party: 'hampshire',
        signedBy: `Signatory ${id}`,
        occurredAt: '2014-02-01',
      });
    },
    when: (id) => ['/people/erasure', { name: `Signatory ${id}`, reason: 'Erasure request' }],
  },
  {
    endpoint: 'POST /alerts/:id/acknowledgement',
    allowed: PARTY,
    given: alert,
    when: (id) => [`/alerts/${id}/acknowledgement`, { note: 'Raised with the chair' }],
  },
];

const READS = [
  '/agreements',
  '/boards',
  '/alerts',
  '/decisions',
  '/savings',
  '/benefits',
  '/events',
  '/streams/agreement-read-fixture/events',
  '/bodies/thames-valley/collaborations',
  '/agreements/read-fixture/publication',
];
const READERS: Caller[] = ['admin', 'auditor', 'officer of a party', 'officer of another force'];

const head = async (): Promise<string | null> => await api.app.get(EventStore).headPosition();

beforeAll(async () => {
  // No background workers: a hand-raised alert must not be resolved under the test's feet.
  api = await startApi({ WORKERS: 'off' });
  for (const caller of CALLERS) {
    clients[caller] =
      caller === 'no token'
        ? { get: (p) => api.http.get(p), post: (p) => api.http.post(p) }
        : api.client(await api.token(CLAIMS[caller]));
  }
  await draft('read-fixture');
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const refusal = (caller: Caller) => (caller === 'no token' ? 401 : 403);

describe.each(WRITES.map((row, i) => [row.endpoint, row, i] as const))('%s', (_endpoint, row, rowIndex) => {
  test.each(CALLERS.map((caller, j) => [caller, row.allowed.includes(caller) ? 'allowed' : 'refused', j] as const))(
    '%s: %s',
    async (caller, outcome, callerIndex) => {
      const id = `m${rowIndex}-${callerIndex}`;
      await row.given?.(id);
      const [path, body] = row.when(id);
      const before = await head();
      const res: request.Response = await clients[caller].post(path).send(body);
      if (outcome === 'allowed') {
        expect({ status: res.status, body: bodyOf<unknown>(res) }).toMatchObject({ status: 201 });
        const written = await api.admin.get(`/events?fromPosition=${bodyOf<AppendedBody>(res).firstPosition}&limit=1`);
        expect(eventsOf(written)[0]?.actorDisplay).toBe(ACTORS[caller]);
        return;
      }
      expect({ status: res.status, body: bodyOf<unknown>(res) }).toMatchObject({
        status: refusal(caller),
        body: { status: refusal(caller), type: expect.any(String), detail: expect.any(String) },
      });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (caller === 'no token') expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      if (caller === 'officer of another force' && !row.allowed.includes('officer of a party'))
        expect(problemOf(res).detail).toMatch(/Only an administrator/);
      else if (caller === 'officer of another force')
        expect(problemOf(res).detail).toMatch(/^Officers of Gwent Police can only/);
      if (caller === 'auditor') expect(problemOf(res).detail).toMatch(/Auditors read and verify the record/);
      expect(await head()).toBe(before);
    },
  );
});

describe.each(READS)('GET %s', (path) => {
  test.each(CALLERS.map((caller) => [caller, READERS.includes(caller) ? 'allowed' : 'refused'] as const))(
    '%s: %s',
    async (caller, outcome) => {
      const res = await clients[caller].get(path);
      if (outcome === 'allowed') expect(res.status).toBe(200);
      else {
        expect(res.status).toBe(refusal(caller));
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    },
  );
});

describe('the matrix is complete', () => {
  test('every write endpoint of the OpenAPI document has a row', async () => {
    const doc = (await api.http.get('/docs/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    // The local sign-in of the embedded default records no fact: it is tested in test/web/dev-sign-in.spec.ts.
    const posts = Object.entries(doc.paths)
      .filter(([path, ops]) => 'post' in ops && path !== '/auth/dev-token')
      .map(([path]) => `POST ${path.replace(/\{(\w+)\}/g, ':$1')}`)
      .sort();
    // A route taking two kinds of write has a row for each, told apart by a note in brackets.
    expect(posts).toEqual([...new Set(WRITES.map((r) => r.endpoint.replace(/ \(.*\)$/, '')))].sort());
  });

  test('/health and /docs need no token', async () => {
    // Without a token /health answers, never 401: here the workers are off (WORKERS=off), so once the matrix has
    // written more than the lag limit it reports the read models behind (503), which is still an answer.
    const health = await api.http.get('/health');
    const { detail } = bodyOf<{ detail?: string }>(health);
    expect([health.status, health.status === 200 ? null : detail]).toEqual(
      health.status === 200 ? [200, null] : [503, 'Unhealthy: projections down.'],
    );
    expect((await api.http.get('/docs/openapi.json')).status).toBe(200);
  });

  test('the s23E public register needs no token, and answers every caller alike', async () => {
    for (const caller of CALLERS) {
      expect({ caller, status: (await clients[caller].get('/public/bodies/thames-valley/agreements')).status }).toEqual(
        {
          caller,
          status: 200,
        },
      );
    }
  });

  test('the done-when: an officer of Gwent cannot record a signature on a Thames Valley/Hampshire agreement', async () => {
    await setup('/agreements', {
      id: 'hampshire-tvp-bilateral',
      title: 'Hampshire/TVP',
      legalBasis: 's22A',
      businessArea: 'ICT',
      deliveryModel: 'joint-unit',
      parties: ['hampshire', 'thames-valley'],
      occurredAt: '2012-01-10',
    });
    const res = await clients['officer of another force']
      .post('/agreements/hampshire-tvp-bilateral/signatures')
      .send({ party: 'thames-valley', signedBy: 'Chief Constable', occurredAt: '2012-02-01' });
    expect(res.status).toBe(403);
    expect(problemOf(res).detail).toBe(
      'Officers of Gwent Police can only record facts about agreements Gwent Police is a party to, and Gwent Police is not a party to agreement "hampshire-tvp-bilateral".',
    );
    const trail = await api.admin.get('/streams/agreement-hampshire-tvp-bilateral/events');
    expect(eventsOf(trail).map((e: { actor: unknown }) => e.actor)).toEqual([ADMIN_ACTOR]);
  });
});
