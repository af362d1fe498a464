import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ADMIN_ACTOR, startApi, type ApiHarness } from './api-harness.js';
import {
  bodyOf,
  problemOf,
  eventsOf,
  type AgreementSummaryBody,
  type AppendedBody,
  type EventsBody,
  type OpenApiBody,
} from '../support/http.js';

/*
 * The command API through real HTTP on the real application over embedded PGlite: every write
 * endpoint's success, its validation failure and a rule it can break, and what must never be
 * half-written.
 */

let api: ApiHarness;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api.admin
    .post(path)
    .set(headers)
    .send(body as object);

const head = async (): Promise<string | null> => {
  const res = await api.admin.get('/events?limit=1000');
  const events = eventsOf(res) as { position: string }[];
  return events.length ? (events[events.length - 1] as { position: string }).position : null;
};

const ZEPHYR = ['avon-somerset', 'devon-cornwall', 'dorset', 'gloucestershire', 'wiltshire'];

beforeAll(async () => {
  api = await startApi();
});

afterAll(async () => {
  await api?.close();
});

describe('recording an agreement through its life', () => {
  test('drafts, signs, approves and brings Zephyr into force; every fact is in the audit trail', async () => {
    const drafted = await post('/agreements', {
      id: 'zephyr',
      title: 'South West Regional Organised Crime Unit (Zephyr)',
      legalBasis: 's22A',
      businessArea: 'serious and organised crime',
      deliveryModel: 'host-force',
      parties: ZEPHYR,
      hostForce: 'avon-somerset',
      reviewDue: '2017-03-31',
      occurredAt: '2014-01-10',
    });
    expect(drafted.status).toBe(201);
    expect(drafted.body).toMatchObject({ streamId: 'agreement-zephyr', revision: 0, replayed: false });
    expect(bodyOf<AppendedBody>(drafted).position).toMatch(/^\d+$/);

    for (const party of ZEPHYR) {
      expect(
        (await post('/agreements/zephyr/signatures', { party, signedBy: 'Chief Constable', occurredAt: '2014-02-01' }))
          .status,
      ).toBe(201);
      expect((await post('/agreements/zephyr/pcc-approvals', { party, occurredAt: '2014-02-15' })).status).toBe(201);
    }
    const commenced = await post('/agreements/zephyr/commencement', { occurredAt: '2014-04-01' });
    expect(commenced.status).toBe(201);
    expect(bodyOf<AppendedBody>(commenced).revision).toBe(11);

    const trail = await api.admin.get('/streams/agreement-zephyr/events');
    expect(trail.status).toBe(200);
    const types = (eventsOf(trail) as { type: string }[]).map((e) => e.type);
    expect(types[0]).toBe('AgreementDrafted');
    expect(types.at(-1)).toBe('AgreementCameIntoForce');
    expect(types.filter((t) => t === 'AgreementSigned')).toHaveLength(5);
    const first = eventsOf(trail)[0];
    expect(first).toMatchObject({
      streamId: 'agreement-zephyr',
      revision: 0,
      // AgreementDrafted is at version 3: legal basis and scope apart (2), each party's capacity (3; docs/domain.md).
      schemaVersion: 3,
      actor: ADMIN_ACTOR,
      occurredAt: '2014-01-10T00:00:00.000Z',
      causationId: null,
    });
    for (const field of ['eventId', 'position', 'recordedAt', 'correlationId'])
      expect(first?.[field]).toEqual(expect.any(String));
  });

  test('varies, changes host, adds a party, takes notice and a withdrawal, reviews, records savings and terminates', async () => {
    const steps: [string, object][] = [
      ['/agreements/zephyr/variations', { summary: 'Adds the Regional Fraud Unit', occurredAt: '2015-01-05' }],
      ['/agreements/zephyr/host', { hostForce: 'wiltshire', occurredAt: '2015-02-01' }],
      ['/agreements/zephyr/parties', { party: 'gwent', occurredAt: '2015-03-01' }],
      [
        '/agreements/zephyr/withdrawal-notices',
        { party: 'gwent', effectiveOn: '2016-03-31', occurredAt: '2015-09-30' },
      ],
      ['/agreements/zephyr/withdrawals', { party: 'gwent', occurredAt: '2016-03-31', reason: 'Tarian covers Gwent' }],
      ['/agreements/zephyr/reviews', { outcome: 'Continue', nextReviewDue: '2019-03-31', occurredAt: '2016-03-01' }],
      ['/agreements/zephyr/savings', { financialYear: '2015-16', kind: 'forecast', amountGbp: 25000000 }],
      ['/agreements/zephyr/savings', { financialYear: '2015-16', kind: 'realised', amountGbp: 8500000.5 }],
    ];
    for (const [path, body] of steps) {
      const res = await post(path, body);
      expect({ path, status: res.status, body: bodyOf<unknown>(res) }).toMatchObject({ path, status: 201 });
    }
    const trail = await api.admin.get('/streams/agreement-zephyr/events?fromRevision=12');
    const savings = (eventsOf(trail) as { type: string; data: { amountPence?: number } }[]).filter(
      (e) => e.type === 'SavingsRealised',
    );
    expect(savings[0]?.data.amountPence).toBe(850000050);

    await post('/agreements', {
      id: 'brunel-mcit',
      title: 'Major Crime Investigation Team (Brunel)',
      legalBasis: 's22A',
      businessArea: 'major crime',
      deliveryModel: 'joint-unit',
      parties: ['avon-somerset', 'gloucestershire', 'wiltshire'],
      occurredAt: '2013-06-01',
    });
    expect(
      (await post('/agreements/brunel-mcit/termination', { reason: 'Abandoned draft', occurredAt: '2013-07-01' }))
        .status,
    ).toBe(201);
  });
});

// Issue 15: the dates of a leaving and of dates already recorded, with their precision.
describe('dates with their precision', () => {
  const partyOf = async (id: string, party: string) =>
    (
      bodyOf<{ parties: { id: string; withdrewPrecision: string | null; withdrawalSentence: string | null }[] }>(
        await api.admin.get(`/agreements/${id}`),
      ).parties ?? []
    ).findLast((p) => p.id === party);

  test('a withdrawal takes a precision: written in the version 2 event and shown with its sentence', async () => {
    await post('/agreements', {
      id: 'leaving-precision',
      title: 'Leaving with its precision',
      legalBasis: 's22A',
      businessArea: 'roads policing',
      deliveryModel: 'joint-unit',
      parties: ['dorset', 'wiltshire', 'gwent'],
      occurredAt: '2014-01-10',
    });
    for (const party of ['dorset', 'wiltshire', 'gwent']) {
      await post('/agreements/leaving-precision/signatures', {
        party,
        signedBy: 'Chief Constable',
        occurredAt: '2014-02-01',
      });
      await post('/agreements/leaving-precision/pcc-approvals', { party, occurredAt: '2014-02-15' });
    }
    await post('/agreements/leaving-precision/commencement', { occurredAt: '2014-04-01' });
    const notice = await post('/agreements/leaving-precision/withdrawal-notices', {
      party: 'gwent',
      effectiveOn: '2016-07-01',
      occurredAt: '2016-01-01',
      datePrecision: 'month',
    });
    expect(notice.status).toBe(201);
    expect(eventsOf(await api.admin.get('/streams/agreement-leaving-precision/events')).at(-1)).toMatchObject({
      type: 'WithdrawalNoticeGiven',
      schemaVersion: 3,
      data: { datePrecision: 'month' },
    });
    const mismatch = await post('/agreements/leaving-precision/withdrawals', {
      party: 'gwent',
      occurredAt: '2016-07-14',
      datePrecision: 'month',
    });
    expect(mismatch.status).toBe(422);
    expect(problemOf(mismatch)).toMatchObject({ code: 'date-precision-mismatch' });
    const left = await post('/agreements/leaving-precision/withdrawals', {
      party: 'gwent',
      occurredAt: '2016-07-01',
      datePrecision: 'month',
    });
    expect(left.status).toBe(201);
    const trail = eventsOf(await api.admin.get('/streams/agreement-leaving-precision/events'));
    expect(trail.at(-1)).toMatchObject({ type: 'ForceWithdrew', schemaVersion: 2, data: { datePrecision: 'month' } });
    const read = await api.admin.get(
      `/agreements/leaving-precision?minPosition=${bodyOf<AppendedBody>(left).position}`,
    );
    expect(bodyOf<{ parties: { id: string }[] }>(read).parties.find((p) => p.id === 'gwent')).toMatchObject({
      noticeGivenOn: '2016-01-01',
      noticeGivenPrecision: 'month',
      withdrewOn: '2016-07-01',
      withdrewPrecision: 'month',
      withdrawalSentence: 'left in July 2016',
    });
  });

  test("POST /agreements/:id/date-precision states a recorded date's precision and corrects it back to day", async () => {
    const path = '/agreements/leaving-precision/date-precision';
    const reason = 'The letter of withdrawal is dated 1 July 2016.';
    const back = await post(path, { facts: [{ fact: 'left', party: 'gwent' }], precision: 'day', reason });
    expect(back.status).toBe(201);
    const trail = eventsOf(await api.admin.get('/streams/agreement-leaving-precision/events'));
    expect(trail.at(-1)).toMatchObject({
      type: 'DatePrecisionRecorded',
      data: { facts: [{ fact: 'left', party: 'gwent' }], precision: 'day', reason },
    });
    await api.admin.get(`/agreements/leaving-precision?minPosition=${bodyOf<AppendedBody>(back).position}`);
    expect(await partyOf('leaving-precision', 'gwent')).toMatchObject({
      withdrewPrecision: 'day',
      withdrawalSentence: 'left on 1 July 2016',
    });
    const commencement = await post(path, {
      facts: [{ fact: 'in-force' }, { fact: 'signed', party: 'dorset' }],
      precision: 'on-or-before',
      reason: 'The register page dated 1 April 2014 lists it.',
    });
    expect(commencement.status).toBe(201);

    // Bad input: 422 naming the field and the rule; a date never recorded or a statement that changes nothing: 409.
    const unchanged = await post(path, { facts: [{ fact: 'left', party: 'gwent' }], precision: 'day', reason });
    expect(unchanged.status).toBe(409);
    expect(problemOf(unchanged).code).toBe('precision-unchanged');
    const never = await post(path, { facts: [{ fact: 'left', party: 'dorset' }], precision: 'year', reason });
    expect(never.status).toBe(409);
    expect(problemOf(never).code).toBe('not-withdrawn');
    const notJoined = await post(path, { facts: [{ fact: 'joined', party: 'dorset' }], precision: 'year', reason });
    expect([notJoined.status, problemOf(notJoined).code]).toEqual([409, 'not-joined']);
    const mismatch = await post(path, { facts: [{ fact: 'in-force' }], precision: 'year', reason });
    expect(mismatch.status).toBe(422);
    expect(problemOf(mismatch)).toMatchObject({ code: 'date-precision-mismatch' });
  });
});

// Seed 002: a host-force forensics agreement "aimed to start on 1st April but may be Sept" (issue 15, item 4).
describe('planned starts', () => {
  test('drafts with a planned start, re-plans it with the reason, and GET shows the plan and its history', async () => {
    const drafted = await post('/agreements', {
      id: 'tri-force-forensics',
      title: 'Tri-force forensics (host-force model)',
      legalBasis: 's22A',
      businessArea: 'forensic services',
      deliveryModel: 'host-force',
      parties: ['avon-somerset', 'gloucestershire', 'wiltshire'],
      hostForce: 'avon-somerset',
      plannedStart: '2017-04-01',
      occurredAt: '2016-09-15',
    });
    expect(drafted.status).toBe(201);
    const replanned = await post('/agreements/tri-force-forensics/planned-start', {
      plannedStart: '2017-09-01',
      reason: 'May be September',
      occurredAt: '2016-12-20',
    });
    expect(replanned.status).toBe(201);

    const detail = await api.admin.get('/agreements/tri-force-forensics');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      status: 'drafted',
      plannedStart: '2017-09-01',
      plannedStartHistory: [
        { plannedStart: '2017-04-01', plannedOn: '2016-09-15', reason: null, recordedBy: expect.any(String) },
        { plannedStart: '2017-09-01', plannedOn: '2016-12-20', reason: 'May be September' },
      ],
    });
    const before = await api.admin.get('/agreements/tri-force-forensics?asOf=2016-12-01');
    expect(before.body).toMatchObject({ plannedStart: '2017-04-01', plannedStartHistory: [{ reason: null }] });

    const trail = await api.admin.get('/streams/agreement-tri-force-forensics/events');
    expect(eventsOf(trail).map((e) => [e.type, (e as { schemaVersion?: number }).schemaVersion])).toEqual([
      ['AgreementDrafted', 3],
      ['AgreementStartPlanned', 1],
      ['AgreementStartReplanned', 1],
    ]);
  });

  test('a planned start before the day it is planned is refused (422), naming plannedStart and the rule', async () => {
    const before = await head();
    const res = await post('/agreements/tri-force-forensics/planned-start', {
      plannedStart: '2016-12-01',
      reason: 'Backdated',
      occurredAt: '2016-12-20',
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemOf(res).errors).toEqual([
      expect.objectContaining({ field: 'plannedStart', rule: 'date-out-of-order' }),
    ]);
    expect(await head()).toBe(before);
  });
});

// Issue 15, item 3: NPAS replacing Gwent and South Wales air support in 2013, shown on both.
describe('lineage', () => {
  const draft = (id: string, title: string, parties: string[]) =>
    post('/agreements', {
      id,
      title,
      legalBasis: 's22A',
      businessArea: 'air support',
      deliveryModel: 'joint-unit',
      parties,
      occurredAt: '2012-06-01',
    });

  test('NPAS supersedes two air support agreements: supersedes on it, supersededBy on each, as of their dates', async () => {
    expect((await draft('gwent-air-support', 'Gwent air support', ['gwent', 'dyfed-powys'])).status).toBe(201);
    expect(
      (await draft('south-wales-air-support', 'South Wales air support', ['south-wales', 'dyfed-powys'])).status,
    ).toBe(201);
    expect((await draft('npas', 'National Police Air Service', ['gwent', 'south-wales', 'dyfed-powys'])).status).toBe(
      201,
    );
    for (const supersedes of ['gwent-air-support', 'south-wales-air-support'])
      expect((await post('/agreements/npas/supersessions', { supersedes, occurredAt: '2013-01-01' })).status).toBe(201);

    const npas = await api.admin.get('/agreements/npas');
    expect(npas.body).toMatchObject({ supersedes: ['gwent-air-support', 'south-wales-air-support'], supersededBy: [] });
    const gwent = await api.admin.get('/agreements/gwent-air-support');
    expect(gwent.body).toMatchObject({ supersedes: [], supersededBy: ['npas'] });
    expect((await api.admin.get('/agreements/gwent-air-support?asOf=2012-12-31')).body).toMatchObject({
      supersededBy: [],
    });
    expect((await api.admin.get('/agreements/gwent-air-support?asOf=2013-01-01')).body).toMatchObject({
      supersededBy: ['npas'],
    });
  });

  test('superseding an agreement that does not exist is a 404 problem naming supersedes', async () => {
    const before = await head();
    const res = await post('/agreements/npas/supersessions', { supersedes: 'no-such', occurredAt: '2013-01-01' });
    expect(res.status).toBe(404);
    expect(problemOf(res).code).toBe('superseded-agreement-not-found');
    expect(problemOf(res).errors).toEqual([expect.objectContaining({ field: 'supersedes' })]);
    expect(await head()).toBe(before);
  });
});

describe('boards, bodies and decisions', () => {
  test('registers a body, establishes a board, schedules, holds, cancels and rearranges meetings, records a decision', async () => {
    expect(
      (await post('/bodies', { id: 'hm-revenue-customs', name: 'HM Revenue & Customs', kind: 'government' })).status,
    ).toBe(201);
    await post('/agreements', {
      id: 'hampshire-tvp-bilateral',
      title: 'Hampshire/Thames Valley Bi-lateral Collaboration',
      legalBasis: 's22A',
      businessArea: 'ICT, information management, joint operations',
      deliveryModel: 'joint-unit',
      parties: ['hampshire', 'thames-valley'],
      occurredAt: '2012-01-01',
    });
    const board = await post('/boards', {
      id: 'hampshire-tvp',
      name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
      agreements: ['hampshire-tvp-bilateral'],
      chair: 'Police and Crime Commissioner for Thames Valley',
      maxDaysBetweenMeetings: 92,
      quorum: 2,
      occurredAt: '2015-04-01',
    });
    expect(board.status).toBe(201);
    const steps: [string, object][] = [
      ['/boards/hampshire-tvp/terms', { rearrangeWithinDays: 21, occurredAt: '2015-04-02' }],
      ['/boards/hampshire-tvp/meetings', { meetingId: '2015-q1', scheduledFor: '2015-06-15' }],
      [
        '/boards/hampshire-tvp/meetings/2015-q1/held',
        {
          occurredAt: '2015-06-15',
          attendees: [
            { name: 'PCC', body: 'thames-valley' },
            { name: 'PCC', body: 'hampshire' },
          ],
        },
      ],
      ['/boards/hampshire-tvp/meetings', { meetingId: '2015-q2', scheduledFor: '2015-09-15' }],
      [
        '/boards/hampshire-tvp/meetings/2015-q2/cancellation',
        { reason: 'Chair unavailable', occurredAt: '2015-09-10' },
      ],
      ['/boards/hampshire-tvp/meetings/2015-q2/rearrangement', { newDate: '2015-10-01', occurredAt: '2015-09-12' }],
      [
        '/decisions',
        {
          id: 'contact-centres',
          summary: 'Extend joint working to contact centres',
          boardId: 'hampshire-tvp',
          meetingId: '2015-q1',
          agreementId: 'hampshire-tvp-bilateral',
          occurredAt: '2015-06-15',
        },
      ],
    ];
    for (const [path, body] of steps) {
      const res = await post(path, body);
      expect({ path, status: res.status, body: bodyOf<unknown>(res) }).toMatchObject({ path, status: 201 });
    }
    const held = eventsOf(await api.admin.get('/streams/board-hampshire-tvp/events')).find(
      (e: { type: string }) => e.type === 'BoardMeetingHeld',
    );
    expect(held?.data.quorate).toBe(true);
  });

  test('refuses a meeting dated before the board was established, naming the field and how to record the real date', async () => {
    // No occurredAt: the board is established on the day it is recorded, so a 2015 meeting cannot be its.
    expect(
      (
        await post('/boards', {
          id: 'established-today',
          name: 'Board recorded without its date',
          agreements: ['hampshire-tvp-bilateral'],
          chair: 'Police and Crime Commissioner for Thames Valley',
          maxDaysBetweenMeetings: 92,
          quorum: 2,
        })
      ).status,
    ).toBe(201);
    const before = await head();
    const res = await post('/boards/established-today/meetings', { meetingId: '2015-q1', scheduledFor: '2015-06-15' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'meeting-before-establishment' });
    expect(problemOf(res).detail).toContain('occurredAt on POST /boards');
    expect(problemOf(res).errors).toContainEqual(expect.objectContaining({ field: 'scheduledFor' }));
    expect(await head()).toBe(before);
  });
});

describe('validation: problem+json naming each bad field, nothing written', () => {
  const invalid: [string, object, string[]][] = [
    ['/bodies', { id: 'Bad Slug', kind: 'pub' }, ['id', 'name', 'kind']],
    [
      '/agreements',
      { id: 'x', legalBasis: 's99', parties: [] },
      ['title', 'legalBasis', 'businessArea', 'deliveryModel', 'parties'],
    ],
    [
      '/agreements',
      {
        id: 'x',
        title: 'T',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties: ['dorset', 'wiltshire'],
        partyCapacities: [{ party: 'dorset', capacity: 'constable' }],
        declaredMembership: { count: 1 },
      },
      ['partyCapacities[0].capacity', 'declaredMembership.description', 'declaredMembership.count'],
    ],
    ['/agreements/zephyr/parties', { party: 'kent', capacity: 'constable', occurredAt: '2016-01-01' }, ['capacity']],
    ['/agreements/zephyr/signatures', { party: 'dorset', occurredAt: '2015-02-30' }, ['signedBy', 'occurredAt']],
    ['/agreements/zephyr/pcc-approvals', { party: 'DORSET' }, ['party', 'occurredAt']],
    ['/agreements/zephyr/commencement', { occurredAt: 'yesterday' }, ['occurredAt']],
    ['/agreements/zephyr/planned-start', { plannedStart: '2018-02-30' }, ['plannedStart', 'reason', 'occurredAt']],
    ['/agreements/zephyr/supersessions', { supersedes: 'Not an id!' }, ['supersedes', 'occurredAt']],
    ['/agreements/zephyr/variations', { summary: '', occurredAt: '2016-01-01' }, ['summary']],
    ['/agreements/zephyr/host', {}, ['hostForce', 'occurredAt']],
    ['/agreements/zephyr/parties', { party: 42, occurredAt: '2016-01-01' }, ['party']],
    [
      '/agreements/zephyr/withdrawal-notices',
      { party: 'dorset', effectiveOn: '2016-13-01', occurredAt: '2016-01-01' },
      ['effectiveOn'],
    ],
    ['/agreements/zephyr/withdrawals', { party: 'dorset' }, ['occurredAt']],
    [
      '/agreements/zephyr/withdrawals',
      { party: 'dorset', occurredAt: '2016-01-01', datePrecision: 'circa' },
      ['datePrecision'],
    ],
    ['/agreements/zephyr/date-precision', { facts: [], precision: 'circa' }, ['facts', 'precision', 'reason']],
    [
      '/agreements/zephyr/date-precision',
      { facts: [{ fact: 'met' }, { fact: 'signed' }], precision: 'day', reason: 'x' },
      ['facts[0].fact', 'facts[1].party'],
    ],
    [
      '/agreements/zephyr/reviews',
      { occurredAt: '2016-01-01', nextReviewDue: '31/03/2019' },
      ['outcome', 'nextReviewDue'],
    ],
    ['/agreements/zephyr/termination', { occurredAt: '2016-01-01' }, ['reason']],
    [
      '/agreements/zephyr/savings',
      { financialYear: '2015', kind: 'hoped', amountGbp: 1.234 },
      ['financialYear', 'kind', 'amountGbp'],
    ],
    [
      '/boards',
      { id: 'b', agreements: [], maxDaysBetweenMeetings: 0, quorum: 0 },
      ['name', 'agreements', 'chair', 'maxDaysBetweenMeetings', 'quorum'],
    ],
    ['/boards/hampshire-tvp/terms', { quorum: -1 }, ['quorum', 'occurredAt']],
    ['/boards/hampshire-tvp/meetings', { meetingId: '', scheduledFor: '2015-02-29' }, ['meetingId', 'scheduledFor']],
    [
      '/boards/hampshire-tvp/meetings/2015-q2/held',
      { occurredAt: '2015-10-01', attendees: [{ name: 'PCC' }] },
      ['attendees[0].body'],
    ],
    ['/boards/hampshire-tvp/meetings/2015-q2/cancellation', { occurredAt: '2015-10-01' }, ['reason']],
    [
      '/boards/hampshire-tvp/meetings/2015-q2/rearrangement',
      { occurredAt: '2015-10-01', newDate: 'soon' },
      ['newDate'],
    ],
    ['/decisions', { id: 'd', boardId: 'bad id!', occurredAt: '2015-10-01' }, ['summary', 'boardId']],
  ];

  test.each(invalid)('POST %s with bad fields answers 400 naming them', async (path, body, fields) => {
    const before = await head();
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: '/problems/validation-failed',
      status: 400,
      title: expect.any(String),
      detail: expect.any(String),
    });
    const named = (problemOf(res).errors as { field: string }[]).map((e) => e.field);
    for (const field of fields) expect(named).toContain(field);
    expect(await head()).toBe(before);
  });

  test('"national" is refused as a legal basis, naming the field and saying it is a scope', async () => {
    const before = await head();
    const res = await post('/agreements', {
      id: 'nabis',
      title: 'National Ballistics Intelligence Service (NABIS)',
      legalBasis: 'national',
      businessArea: 'ballistics intelligence',
      deliveryModel: 'national',
      parties: ['gwent', 'dorset'],
      occurredAt: '2013-04-01',
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = (problemOf(res).errors ?? []).find((e) => e.field === 'legalBasis');
    expect(problem?.message).toContain('scope "national"');
    expect(await head()).toBe(before);
  });

  test('a national agreement is drafted under s22A with scope national, and the register shows both', async () => {
    const nabis = {
      id: 'nabis',
      title: 'National Ballistics Intelligence Service (NABIS)',
      legalBasis: 's22A',
      scope: 'national',
      businessArea: 'ballistics intelligence',
      deliveryModel: 'national',
      parties: ['gwent', 'dorset'],
      occurredAt: '2013-04-01',
    };
    const county = await post('/agreements', { ...nabis, scope: 'county' });
    expect(county.status).toBe(400);
    expect(problemOf(county).errors).toContainEqual(expect.objectContaining({ field: 'scope' }));
    const res = await post('/agreements', nabis);
    expect(res.status).toBe(201);
    const register = await api.admin.get(
      `/agreements?scope=national&minPosition=${bodyOf<AppendedBody>(res).position}`,
    );
    expect(bodyOf<{ agreements: AgreementSummaryBody[] }>(register).agreements).toEqual([
      expect.objectContaining({ agreementId: 'nabis', legalBasis: 's22A', scope: 'national' }),
    ]);
  });

  test('unknown fields are rejected, not silently dropped', async () => {
    const res = await post('/agreements/zephyr/variations', { summary: 'x', occurredAt: '2016-01-01', amendment: 'y' });
    expect(res.status).toBe(400);
    expect(problemOf(res).errors).toContainEqual(
      expect.objectContaining({ field: 'amendment', rule: 'unknown-field' }),
    );
  });

  test('a bad id in the path names the parameter', async () => {
    const res = await post('/agreements/not%20an%20id/variations', { summary: 'x', occurredAt: '2016-01-01' });
    expect(res.status).toBe(400);
    expect(problemOf(res).errors).toContainEqual(expect.objectContaining({ field: 'id' }));
  });

  test('an unknown body is refused with 422 naming the slug and the field', async () => {
    const before = await head();
    const res = await post('/agreements', {
      id: 'tarian',
      title: 'Tarian',
      legalBasis: 's22A',
      businessArea: 'serious and organised crime',
      deliveryModel: 'joint-unit',
      parties: ['dyfed-powys', 'south-wales', 'gwentt'],
      occurredAt: '2010-01-01',
    });
    expect(res.status).toBe(422);
    expect(problemOf(res).code).toBe('unknown-body');
    expect(problemOf(res).detail).toContain('gwentt');
    expect(problemOf(res).errors).toContainEqual(expect.objectContaining({ field: 'parties[2]' }));
    expect(await head()).toBe(before);
  });

  test('writes need a bearer token; an X-Actor header names nobody', async () => {
    const before = await head();
    const res = await api.http
      .post('/agreements/zephyr/variations')
      .set('X-Actor', 'someone')
      .send({ summary: 'x', occurredAt: '2016-01-01' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await head()).toBe(before);
  });

  test('malformed JSON is a 400 problem', async () => {
    const res = await api.admin.post('/agreements').set('content-type', 'application/json').send('{"id": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('a fact in the future is refused', async () => {
    const res = await post('/agreements/zephyr/variations', { summary: 'x', occurredAt: '2030-01-01' });
    expect(res.status).toBe(422);
    expect(problemOf(res).code).toBe('occurred-in-future');
  });
});

describe('domain rules: 409 with a message a person understands, nothing written', () => {
  const conflicts: [string, object, string][] = [
    ['/bodies', { id: 'hm-revenue-customs', name: 'HMRC again', kind: 'government' }, 'body-already-registered'],
    [
      '/agreements',
      {
        id: 'zephyr',
        title: 'Again',
        legalBasis: 's22A',
        businessArea: 'x',
        deliveryModel: 'joint-unit',
        parties: ['dorset', 'wiltshire'],
      },
      'agreement-already-exists',
    ],
    [
      '/agreements/zephyr/signatures',
      { party: 'dorset', signedBy: 'Chief Constable', occurredAt: '2016-01-01' },
      'party-already-signed',
    ],
    ['/agreements/zephyr/pcc-approvals', { party: 'dorset', occurredAt: '2016-01-01' }, 'approval-already-given'],
    ['/agreements/zephyr/commencement', { occurredAt: '2016-01-01' }, 'already-in-force'],
    [
      '/agreements/zephyr/planned-start',
      { plannedStart: '2016-09-01', reason: 'May be September', occurredAt: '2016-01-01' },
      'already-in-force',
    ],
    [
      '/agreements/npas/supersessions',
      { supersedes: 'gwent-air-support', occurredAt: '2016-01-01' },
      'supersession-already-recorded',
    ],
    ['/agreements/brunel-mcit/variations', { summary: 'x', occurredAt: '2016-01-01' }, 'agreement-terminated'],
    ['/agreements/zephyr/host', { hostForce: 'wiltshire', occurredAt: '2016-01-01' }, 'host-unchanged'],
    ['/agreements/zephyr/parties', { party: 'dorset', occurredAt: '2016-01-01' }, 'already-a-party'],
    [
      '/agreements/zephyr/parties',
      { party: 'national-crime-agency', capacity: 'chief-officer', occurredAt: '2016-01-01' },
      'capacity-without-policing-body',
    ],
    ...(
      [
        ['s22A', ['dorset', 'wiltshire'], [{ party: 'kent', capacity: 'chief-officer' }], 'capacity-for-non-party'],
        ['s23A', ['dorset', 'wiltshire'], [{ party: 'dorset', capacity: 'chief-officer' }], 'chief-officer-on-s23a'],
        ['s22A', ['hm-revenue-customs', 'national-crime-agency'], [], 'no-police-party'],
        ['s22A', ['dorset'], [], 'too-few-parties'],
      ] as const
    ).map(([legalBasis, parties, partyCapacities, code]): [string, object, string] => [
      '/agreements',
      { id: 'cap-x', title: 'T', legalBasis, businessArea: 'x', deliveryModel: 'joint-unit', parties, partyCapacities },
      code,
    ]),
    [
      '/agreements/zephyr/withdrawal-notices',
      { party: 'kent', effectiveOn: '2016-06-01', occurredAt: '2016-01-01' },
      'not-a-party',
    ],
    ['/agreements/zephyr/withdrawals', { party: 'wiltshire', occurredAt: '2016-04-01' }, 'host-cannot-withdraw'],
    [
      '/agreements/zephyr/date-precision',
      { facts: [{ fact: 'left', party: 'dorset' }], precision: 'year', reason: 'x' },
      'not-withdrawn',
    ],
    ['/agreements/brunel-mcit/reviews', { outcome: 'x', occurredAt: '2016-01-01' }, 'agreement-terminated'],
    ['/agreements/brunel-mcit/termination', { reason: 'again', occurredAt: '2016-01-01' }, 'agreement-terminated'],
    [
      '/agreements/brunel-mcit/savings',
      { financialYear: '2015-16', kind: 'forecast', amountGbp: 1 },
      'agreement-terminated',
    ],
    [
      '/boards',
      {
        id: 'hampshire-tvp',
        name: 'Again',
        agreements: ['hampshire-tvp-bilateral'],
        chair: 'x',
        maxDaysBetweenMeetings: 92,
        quorum: 2,
      },
      'board-already-exists',
    ],
    ['/boards/hampshire-tvp/terms', { rearrangeWithinDays: 21, occurredAt: '2016-01-01' }, 'no-change'],
    [
      '/boards/hampshire-tvp/meetings',
      { meetingId: '2015-q1', scheduledFor: '2016-01-01' },
      'meeting-already-scheduled',
    ],
    [
      '/boards/hampshire-tvp/meetings/2015-q1/held',
      { occurredAt: '2015-06-15', attendees: [{ name: 'PCC', body: 'hampshire' }] },
      'meeting-already-held',
    ],
    [
      '/boards/hampshire-tvp/meetings/2015-q1/cancellation',
      { reason: 'x', occurredAt: '2015-06-20' },
      'meeting-already-held',
    ],
    [
      '/boards/hampshire-tvp/meetings/2015-q1/rearrangement',
      { newDate: '2015-07-01', occurredAt: '2015-06-20' },
      'meeting-already-held',
    ],
    [
      '/decisions',
      { id: 'contact-centres', summary: 'again', agreementId: 'zephyr', occurredAt: '2016-01-01' },
      'decision-already-recorded',
    ],
  ];

  test.each(conflicts)('POST %s breaking a rule answers its code', async (path, body, code) => {
    const before = await head();
    const res = await post(path, body);
    expect({ status: res.status, code: problemOf(res).code }).toEqual({ status: expect.any(Number), code });
    expect([404, 409, 422]).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemOf(res).detail.length).toBeGreaterThan(10);
    expect(await head()).toBe(before);
  });

  test('a command against an agreement that does not exist is 404', async () => {
    const res = await post('/agreements/no-such/variations', { summary: 'x', occurredAt: '2016-01-01' });
    expect(res.status).toBe(404);
    expect(problemOf(res).code).toBe('agreement-not-found');
  });
});

describe('optimistic concurrency and idempotency', () => {
  test('a stale expectedRevision is refused with 409 and the current revision', async () => {
    const trail = await api.admin.get('/streams/agreement-zephyr/events?limit=1000');
    const current = eventsOf(trail).length - 1;
    const before = await head();
    const res = await post('/agreements/zephyr/variations', {
      summary: 'Stale edit',
      occurredAt: '2016-05-01',
      expectedRevision: current - 1,
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'concurrency-conflict', currentRevision: current });
    expect(await head()).toBe(before);
    const ok = await post('/agreements/zephyr/variations', {
      summary: 'Fresh edit',
      occurredAt: '2016-05-01',
      expectedRevision: current,
    });
    expect(ok.status).toBe(201);
    expect(bodyOf<AppendedBody>(ok).revision).toBe(current + 1);
  });

  test('a retried command with the same Idempotency-Key appends nothing and answers as the first time', async () => {
    const body = { summary: 'Retried over a flaky network', occurredAt: '2016-06-01' };
    const first = await post('/agreements/zephyr/variations', body, { 'Idempotency-Key': 'retry-1' });
    expect(first.status).toBe(201);
    const before = await head();
    const again = await post('/agreements/zephyr/variations', body, { 'Idempotency-Key': 'retry-1' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await head()).toBe(before);
  });

  test('concurrent twins with one Idempotency-Key write once', async () => {
    const body = { party: 'cheshire', occurredAt: '2016-07-01' };
    const before = await head();
    const answers = await Promise.all(
      [1, 2, 3].map(() => post('/agreements/zephyr/parties', body, { 'Idempotency-Key': 'join-cheshire' })),
    );
    for (const res of answers) expect(res.status).toBe(201);
    expect(new Set(answers.map((r) => bodyOf<AppendedBody>(r).position)).size).toBe(1);
    expect(BigInt((await head()) as string) - BigInt(before as string)).toBe(1n);
  });

  test('the same Idempotency-Key on a different request is refused', async () => {
    const res = await post(
      '/agreements/zephyr/variations',
      { summary: 'Something else', occurredAt: '2016-06-01' },
      { 'Idempotency-Key': 'retry-1' },
    );
    expect(res.status).toBe(422);
    expect(problemOf(res).code).toBe('idempotency-key-reused');
  });
});

describe('audit trail reads', () => {
  test('pages the global log in position order', async () => {
    const page1 = await api.admin.get('/events?limit=5');
    expect(page1.status).toBe(200);
    expect(eventsOf(page1)).toHaveLength(5);
    const page2 = await api.admin.get(`/events?fromPosition=${bodyOf<EventsBody>(page1).next}&limit=5`);
    const positions = [...eventsOf(page1), ...eventsOf(page2)].map((e: { position: string }) => BigInt(e.position));
    for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
  });

  test('an unknown stream is a 404 problem; bad paging is a 400 problem', async () => {
    expect((await api.admin.get('/streams/agreement-nope/events')).status).toBe(404);
    expect((await api.admin.get('/events?limit=0')).status).toBe(400);
    expect((await api.admin.get('/events?fromPosition=-1')).status).toBe(400);
  });

  test('the OpenAPI document describes every write endpoint', async () => {
    const res = await api.http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    for (const path of [
      '/agreements',
      '/agreements/{id}/signatures',
      '/boards/{id}/meetings/{mid}/held',
      '/decisions',
      '/bodies',
      '/events',
    ]) {
      expect(Object.keys(bodyOf<OpenApiBody>(res).paths)).toContain(path);
    }
  });
});

describe('durability', () => {
  test('a restart on the same data directory keeps every event', async () => {
    const before = eventsOf(await api.admin.get('/events?limit=1000'));
    await api.restart();
    const after = eventsOf(await api.admin.get('/events?limit=1000'));
    expect(after).toEqual(before);
    expect(
      (await post('/agreements/zephyr/variations', { summary: 'After restart', occurredAt: '2016-08-01' })).status,
    ).toBe(201);
  });
});
