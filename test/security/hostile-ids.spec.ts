import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { isBodySlug, isEntityId, REFERENCE_BODIES } from '#domain';
import type { Position } from '#event-store';
import { ProjectionStatus } from '#projections';
import { startApi, type ApiHarness, type Client } from '../api/api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, firstEventOf, problemOf, eventsOf } from '../support/http.js';

/*
 * Ids that name nothing, sent where every command route takes an id or a reference: in the path
 * (agreement, board, meeting, alert) and in the body (party, hostForce, parties, parentId,
 * agreements, attendees, boardId, meetingId, agreementId). They are drawn from the names every
 * JavaScript object or function inherits (`constructor`, `toString`, `__proto__`, `call` …), which
 * a plain-object lookup finds although nobody recorded them, and from random slugs. Each must be
 * refused as what it is — 400 when it is not even an id, else the domain's own not-found or
 * unknown-body answer — and nothing may be stored; the read models stay healthy.
 */

const INHERITED = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype)]),
];

const SEEDED = new Set(['hi-draft', 'hi-live', 'hi-board', 'q1', ...REFERENCE_BODIES.map((body) => body.id)]);
const randomSlug = fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}$/).filter((slug) => !SEEDED.has(slug));
const hostileId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INHERITED) },
  { weight: 1, arbitrary: randomSlug },
);

interface Slot {
  /** What the id stands for, as the test names it. */
  name: string;
  /** How the edge validates it: an entity id (agreements, boards, meetings, alerts) or a body slug. */
  kind: 'entity' | 'body';
  /** The answer when it is a well-formed id that names nothing. */
  refused: [status: number, code: string];
  adminOnly?: boolean;
  request(id: string): { path: string; body: object };
}

const SIGN = { party: 'hampshire', signedBy: 'Chief Constable', occurredAt: '2014-02-01' };
const DRAFT = {
  id: 'hi-new',
  title: 'Hostile ids',
  legalBasis: 's22A',
  businessArea: 'x',
  deliveryModel: 'joint-unit',
  parties: ['hampshire', 'thames-valley', 'surrey'],
  hostForce: 'hampshire',
  occurredAt: '2014-01-10',
};
const BOARD = {
  id: 'hi-new-board',
  name: 'Board',
  agreements: ['hi-live'],
  chair: 'PCC',
  maxDaysBetweenMeetings: 92,
  quorum: 2,
  occurredAt: '2015-04-01',
};
const HOLD = { occurredAt: '2015-06-15', attendees: [{ name: 'PCC', body: 'hampshire' }] };
const CANCEL = { reason: 'Chief officers unavailable', occurredAt: '2015-06-10' };
const REARRANGE = { newDate: '2015-07-01', occurredAt: '2015-06-10' };
const DECISION = { id: 'hi-decision', summary: 'Decided', occurredAt: '2015-06-15' };

const AGREEMENT_ROUTES: [string, object][] = [
  ['signatures', SIGN],
  ['pcc-approvals', { party: 'hampshire', occurredAt: '2014-02-01' }],
  ['commencement', { occurredAt: '2014-04-01' }],
  ['variations', { summary: 'Varied', occurredAt: '2015-01-01' }],
  ['host', { hostForce: 'thames-valley', occurredAt: '2015-01-01' }],
  ['parties', { party: 'kent', occurredAt: '2015-01-01' }],
  ['withdrawal-notices', { party: 'surrey', effectiveOn: '2016-01-01', occurredAt: '2015-01-01' }],
  ['withdrawals', { party: 'surrey', occurredAt: '2015-01-01' }],
  ['date-precision', { facts: [{ fact: 'in-force' }], precision: 'on-or-before', reason: 'Listed by then' }],
  ['reviews', { outcome: 'Fine', occurredAt: '2015-01-01' }],
  ['termination', { reason: 'Ended', occurredAt: '2015-01-01' }],
  ['savings', { financialYear: '2015-16', kind: 'forecast', amountGbp: 10 }],
  ['benefits', { id: 'hi-entry', kind: 'saving', status: 'forecast', amountPence: 10, financialYear: '2015-16' }],
];
const BOARD_ROUTES: [string, object][] = [
  ['terms', { quorum: 3, occurredAt: '2015-05-01' }],
  ['meetings', { meetingId: 'q9', scheduledFor: '2015-06-15' }],
  ['meetings/q1/held', HOLD],
  ['meetings/q1/cancellation', CANCEL],
  ['meetings/q1/rearrangement', REARRANGE],
];
const MEETING_ROUTES: [string, object][] = [
  ['held', HOLD],
  ['cancellation', CANCEL],
  ['rearrangement', REARRANGE],
];

const inPath = (id: string) => encodeURIComponent(id);

const SLOTS: Slot[] = [
  ...AGREEMENT_ROUTES.map(([route, body]): Slot => ({
    name: `agreement in POST /agreements/:id/${route}`,
    kind: 'entity',
    refused: [404, 'agreement-not-found'],
    request: (id) => ({ path: `/agreements/${inPath(id)}/${route}`, body }),
  })),
  ...BOARD_ROUTES.map(([route, body]): Slot => ({
    name: `board in POST /boards/:id/${route}`,
    kind: 'entity',
    refused: [404, 'board-not-found'],
    request: (id) => ({ path: `/boards/${inPath(id)}/${route}`, body }),
  })),
  ...MEETING_ROUTES.map(([route, body]): Slot => ({
    name: `meeting in POST /boards/:id/meetings/:mid/${route}`,
    kind: 'entity',
    refused: [404, 'meeting-not-found'],
    request: (id) => ({ path: `/boards/hi-board/meetings/${inPath(id)}/${route}`, body }),
  })),
  {
    name: 'alert in POST /alerts/:id/acknowledgement',
    kind: 'entity',
    refused: [404, 'alert-not-found'],
    request: (id) => ({ path: `/alerts/${inPath(id)}/acknowledgement`, body: { note: 'Seen' } }),
  },
  // A party the agreement does not have breaks a rule of the agreement (409), as for a known body.
  ...AGREEMENT_ROUTES.filter(([route]) => route === 'signatures' || route === 'pcc-approvals').map(
    ([route, body]): Slot => ({
      name: `party of POST /agreements/hi-draft/${route}`,
      kind: 'body',
      refused: [409, 'not-a-party'],
      request: (party) => ({ path: `/agreements/hi-draft/${route}`, body: { ...body, party } }),
    }),
  ),
  ...(['withdrawal-notices', 'withdrawals'] as const).map((route): Slot => ({
    name: `party of POST /agreements/hi-live/${route}`,
    kind: 'body',
    refused: [409, 'not-a-party'],
    request: (party) => ({
      path: `/agreements/hi-live/${route}`,
      body: {
        party,
        occurredAt: '2015-01-01',
        ...(route === 'withdrawal-notices' ? { effectiveOn: '2016-01-01' } : {}),
      },
    }),
  })),
  {
    name: 'party of POST /agreements/hi-live/date-precision',
    kind: 'body',
    refused: [409, 'not-a-party'],
    request: (party) => ({
      path: '/agreements/hi-live/date-precision',
      body: { facts: [{ fact: 'signed', party }], precision: 'on-or-before', reason: 'Listed by then' },
    }),
  },
  ...(['hi-draft', 'hi-live'] as const).map((agreement): Slot => ({
    name: `party of POST /agreements/${agreement}/parties`,
    kind: 'body',
    refused: [422, 'unknown-body'],
    request: (party) => ({ path: `/agreements/${agreement}/parties`, body: { party, occurredAt: '2015-01-01' } }),
  })),
  {
    name: 'hostForce of POST /agreements/hi-live/host',
    kind: 'body',
    refused: [422, 'host-not-a-party'],
    request: (hostForce) => ({ path: '/agreements/hi-live/host', body: { hostForce, occurredAt: '2015-01-01' } }),
  },
  {
    name: 'a party of POST /agreements',
    kind: 'body',
    refused: [422, 'unknown-body'],
    request: (party) => ({ path: '/agreements', body: { ...DRAFT, parties: [...DRAFT.parties, party] } }),
  },
  {
    name: 'hostForce of POST /agreements',
    kind: 'body',
    refused: [422, 'host-not-a-party'],
    request: (hostForce) => ({ path: '/agreements', body: { ...DRAFT, hostForce } }),
  },
  {
    name: 'parentId of POST /agreements',
    kind: 'entity',
    refused: [404, 'parent-agreement-not-found'],
    request: (parentId) => ({ path: '/agreements', body: { ...DRAFT, parentId } }),
  },
  {
    name: 'an agreement of POST /boards',
    kind: 'entity',
    refused: [404, 'agreement-not-found'],
    adminOnly: true,
    request: (id) => ({ path: '/boards', body: { ...BOARD, agreements: ['hi-live', id] } }),
  },
  {
    name: 'an attendee body of POST /boards/hi-board/meetings/q1/held',
    kind: 'body',
    refused: [422, 'unknown-body'],
    request: (body) => ({
      path: '/boards/hi-board/meetings/q1/held',
      body: { ...HOLD, attendees: [...HOLD.attendees, { name: 'Guest', body }] },
    }),
  },
  {
    name: 'boardId of POST /decisions',
    kind: 'entity',
    refused: [404, 'board-not-found'],
    request: (boardId) => ({ path: '/decisions', body: { ...DECISION, boardId } }),
  },
  {
    name: 'meetingId of POST /decisions',
    kind: 'entity',
    refused: [404, 'meeting-not-found'],
    request: (meetingId) => ({ path: '/decisions', body: { ...DECISION, boardId: 'hi-board', meetingId } }),
  },
  {
    name: 'agreementId of POST /decisions',
    kind: 'entity',
    refused: [404, 'agreement-not-found'],
    request: (agreementId) => ({ path: '/decisions', body: { ...DECISION, agreementId } }),
  },
];

const wellFormed = (slot: Slot, id: string): boolean => (slot.kind === 'entity' ? isEntityId(id) : isBodySlug(id));

/** Runs of the property per database: with the examples below, a few hundred requests in all. */
const RUNS = 120;

for (const driver of testDrivers) {
  driver.describe(`hostile ids on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let officer: Client;

    const created = async (path: string, body: object) => {
      const res = await api.admin.post(path).send(body);
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { position: string };
    };
    /** The log without alert streams: the compliance evaluator may raise alerts about the seeded board at any time. */
    const recorded = async () => {
      const res = await api.admin.get('/events?limit=1000');
      return (eventsOf(res) as { streamId: string }[]).filter((event) => !event.streamId.startsWith('alert-'));
    };
    /** Health once every read model has taken the whole log. */
    const healthAfterProjections = async () => {
      const head = eventsOf(await api.admin.get('/events?limit=1000')).at(-1)?.position as Position;
      await api.app.get(ProjectionStatus).waitForPosition(head, { timeoutMs: 20_000 });
      return api.http.get('/health');
    };

    beforeAll(async () => {
      database = driver.name === 'postgres' ? await driver.create() : null;
      api = await startApi(
        database?.url
          ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'hostile-ids-test-secret-of-at-least-32-bytes' }
          : {},
      );
      officer = api.client(await api.token({ sub: 'hostile.officer', roles: ['officer'], force: 'thames-valley' }));
      await created('/agreements', { ...DRAFT, id: 'hi-draft' });
      await created('/agreements', { ...DRAFT, id: 'hi-live' });
      for (const party of DRAFT.parties) {
        await created('/agreements/hi-live/signatures', { ...SIGN, party });
        await created('/agreements/hi-live/pcc-approvals', { party, occurredAt: '2014-02-15' });
      }
      await created('/agreements/hi-live/commencement', { occurredAt: '2014-04-01' });
      await created('/boards', { ...BOARD, id: 'hi-board' });
      await created('/boards/hi-board/meetings', { meetingId: 'q1', scheduledFor: '2015-06-15' });
    }, 60_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    });

    test('an id that names nothing is refused on every route, even one every object inherits, and nothing is stored', async () => {
      const before = await recorded();
      const attempt = fc.record({ slot: fc.constantFrom(...SLOTS), id: hostileId, asOfficer: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(attempt, async ({ slot, id, asOfficer }) => {
          const { path, body } = slot.request(id);
          const client = asOfficer && !slot.adminOnly ? officer : api.admin;
          const res = await client.post(path).send(body);
          const [status, code] = wellFormed(slot, id) ? slot.refused : [400, 'validation-failed'];
          expect({ slot: slot.name, id, status: res.status, code: problemOf(res).code }).toEqual({
            slot: slot.name,
            id,
            status,
            code,
          });
        }),
        // Every route with `constructor` at least once, whatever the random draw.
        { numRuns: RUNS, examples: SLOTS.map((slot) => [{ slot, id: 'constructor', asOfficer: false }]) },
      );
      expect(await recorded()).toEqual(before);
      expect((await healthAfterProjections()).status).toBe(200);
    }, 120_000);

    // Runs after the test above: it registers `constructor` as a body.
    test('a body, a meeting and a party may be called after inherited names: stored and found under that name', async () => {
      await created('/bodies', {
        id: 'constructor',
        name: 'Constructor Fire and Rescue Service',
        kind: 'fire-and-rescue',
      });
      const joined = await created('/agreements/hi-draft/parties', { party: 'constructor', occurredAt: '2015-01-01' });
      const detail = await api.admin.get(`/agreements/hi-draft?minPosition=${joined.position}`);
      expect(bodyOf(detail).parties).toContainEqual(
        expect.objectContaining({ id: 'constructor', name: 'Constructor Fire and Rescue Service' }),
      );

      let last = joined.position;
      for (const meetingId of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
        await created('/boards/hi-board/meetings', { meetingId, scheduledFor: '2015-09-15' });
        last = (await created(`/boards/hi-board/meetings/${meetingId}/held`, { ...HOLD, occurredAt: '2015-09-15' }))
          .position;
        const event = firstEventOf(await api.admin.get(`/events?fromPosition=${last}&limit=1`));
        expect(event).toMatchObject({ type: 'BoardMeetingHeld', data: { meetingId, scheduledFor: '2015-09-15' } });
      }
      const board = await api.admin.get(`/boards/hi-board?minPosition=${last}`);
      expect(bodyOf(board).meetings).toEqual(
        expect.arrayContaining(
          ['constructor', 'toString', 'valueOf', 'hasOwnProperty'].map((meetingId) =>
            expect.objectContaining({ meetingId, status: 'held' }),
          ),
        ),
      );
      expect((await healthAfterProjections()).status).toBe(200);
    }, 60_000);
  });
}
