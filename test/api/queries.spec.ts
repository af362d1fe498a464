import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import {
  bodyOf,
  problemOf,
  eventsOf,
  type AppendedBody,
  type AlertsBody,
  type AgreementSummaryBody,
} from '../support/http.js';

/*
 * The read endpoints through real HTTP: register, one agreement (and its bitemporal views),
 * collaborations on a date, board compliance, decisions, savings and alerts — read-your-writes
 * through minPosition instead of sleeping.
 */

let api: ApiHarness;
let last = '0';

async function post(path: string, body: object): Promise<void> {
  const res = await api.admin.post(path).send(body);
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  last = bodyOf<AppendedBody>(res).position;
}

const get = (path: string) => api.admin.get(path + (path.includes('?') ? '&' : '?') + `minPosition=${last}`);

/** Polls a condition the background evaluator brings about (bounded; no timing is asserted). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

async function agreementInForce(
  id: string,
  parties: string[],
  dates: { drafted: string; inForce: string },
  extra: object = {},
) {
  await post('/agreements', {
    id,
    title: `Agreement ${id}`,
    legalBasis: 's22A',
    businessArea: 'serious and organised crime',
    deliveryModel: 'joint-unit',
    parties,
    occurredAt: dates.drafted,
    ...extra,
  });
  for (const party of parties) {
    await post(`/agreements/${id}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: dates.drafted });
    await post(`/agreements/${id}/pcc-approvals`, { party, occurredAt: dates.drafted });
  }
  await post(`/agreements/${id}/commencement`, { occurredAt: dates.inForce });
}

beforeAll(async () => {
  api = await startApi();
  api.clock.set('2016-04-20T09:00:00.000Z');
  await agreementInForce('zephyr', ['avon-somerset', 'devon-cornwall', 'dorset', 'gloucestershire', 'wiltshire'], {
    drafted: '2014-01-10',
    inForce: '2014-04-01',
  });
  await agreementInForce('tarian', ['dyfed-powys', 'south-wales', 'gwent'], {
    drafted: '2010-01-10',
    inForce: '2010-04-01',
  });
  await agreementInForce('hampshire-tvp-bilateral', ['hampshire', 'thames-valley'], {
    drafted: '2012-01-10',
    inForce: '2012-04-01',
  });
});

afterAll(async () => {
  await api?.close();
});

describe('register and agreements', () => {
  test('filters the register by party and counts by status', async () => {
    const res = await get('/agreements?party=dorset');
    expect(res.status).toBe(200);
    expect(
      bodyOf<{ agreements: AgreementSummaryBody[] }>(res).agreements.map((a: { agreementId: string }) => a.agreementId),
    ).toEqual(['zephyr']);
    expect(bodyOf(res).counts).toMatchObject({ 'in-force': 3, total: 3 });
    const area = await get('/agreements?area=ORGANISED');
    expect(bodyOf<{ agreements: AgreementSummaryBody[] }>(area).agreements).toHaveLength(3);
  });

  test('one agreement in full, and 404 for an unknown one', async () => {
    const res = await get('/agreements/tarian');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('gwent');
    const missing = await get('/agreements/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
  });

  test('answers in one shape with and without asOf: the replay as of today equals the read models', async () => {
    const now = await get('/agreements/zephyr');
    const replayed = await get(`/agreements/zephyr?asOf=${api.clock.now().toISOString().slice(0, 10)}`);
    expect(replayed.status).toBe(200);
    expect(bodyOf(now).replay).toBeNull();
    expect(bodyOf(replayed).replay).toMatchObject({
      asOf: expect.any(String),
      knownAt: null,
      eventsConsidered: expect.any(Number),
    });
    expect(Object.keys(bodyOf(replayed)).sort()).toEqual(Object.keys(bodyOf(now)).sort());
    expect({ ...bodyOf(replayed), replay: null }).toEqual(bodyOf(now));
  });

  test('bad query parameters are 400 problems naming them', async () => {
    const res = await api.admin.get('/agreements?status=maybe&party=Not%20A%20Slug');
    expect(res.status).toBe(400);
    const fields = (problemOf(res).errors ?? []).map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['status', 'party']));
    expect((await api.admin.get('/agreements/zephyr?asOf=2015-02-30')).status).toBe(400);
    expect((await api.admin.get('/agreements?minPosition=soon')).status).toBe(400);
  });

  test('a late entry changes asOf answers for the past but not knownAt answers from before it was recorded', async () => {
    await post('/agreements/zephyr/withdrawal-notices', {
      party: 'dorset',
      effectiveOn: '2015-12-31',
      occurredAt: '2015-06-30',
    });
    const recordedBefore = api.clock.now().toISOString();
    api.clock.set('2016-05-10T09:00:00.000Z');
    // Logged in May 2016, it happened on 31 December 2015.
    await post('/agreements/zephyr/withdrawals', { party: 'dorset', occurredAt: '2015-12-31' });

    const asOfAfter = await api.admin.get('/agreements/zephyr?asOf=2016-01-15');
    expect(asOfAfter.status).toBe(200);
    type Party = { id: string; current: boolean; withdrewOn?: string | null };
    type AgreementDetail = { parties: Party[]; membership: unknown[]; replay: { knownAt: string | null } | null };
    const partiesOf = (body: AgreementDetail) => body.parties.filter((p) => p.current).map((p) => p.id);
    const after = bodyOf<AgreementDetail>(asOfAfter);
    expect(partiesOf(after)).not.toContain('dorset');
    expect(after.parties).toContainEqual(
      expect.objectContaining({ id: 'dorset', withdrewOn: '2015-12-31', current: false }),
    );
    expect(after.membership).toContainEqual(expect.objectContaining({ bodyId: 'dorset', validTo: '2015-12-31' }));
    const asOfBefore = await api.admin.get('/agreements/zephyr?asOf=2015-11-30');
    expect(partiesOf(bodyOf<AgreementDetail>(asOfBefore))).toContain('dorset');
    const knownEarlier = await api.admin.get(
      `/agreements/zephyr?asOf=2016-01-15&knownAt=${encodeURIComponent(recordedBefore)}`,
    );
    expect(knownEarlier.status).toBe(200);
    expect(partiesOf(bodyOf<AgreementDetail>(knownEarlier))).toContain('dorset');
    expect(bodyOf<AgreementDetail>(knownEarlier).replay?.knownAt).toBe(recordedBefore);
  });

  test("a body's collaborations on a date show the policing body of that date: Gwent's police authority in 2012", async () => {
    type Collaborations = {
      body: { policingBody: unknown };
      policingBodyOn: { known: boolean; period: { from: string | null; source: string } };
    };
    const then = await get('/bodies/gwent/collaborations?asOf=2012-06-01');
    expect(then.status).toBe(200);
    expect(bodyOf<Collaborations>(then).body.policingBody).toEqual({
      name: 'Gwent Police Authority',
      kind: 'police-authority',
    });
    expect(bodyOf<Collaborations>(then).policingBodyOn).toMatchObject({ known: true, period: { from: null } });
    const after = await get('/bodies/gwent/collaborations?asOf=2012-11-22');
    expect(bodyOf<Collaborations>(after).body.policingBody).toEqual({
      name: 'Gwent Police and Crime Commissioner',
      kind: 'pcc',
    });
    expect(bodyOf<Collaborations>(after).policingBodyOn.period.source).toContain('SI 2012/2892');
    const unsure = await get('/bodies/south-yorkshire/collaborations?asOf=2024-05-15');
    expect(bodyOf<Collaborations>(unsure).body.policingBody).toBeNull();
    expect(bodyOf<Collaborations>(unsure).policingBodyOn).toMatchObject({ known: false });
  });

  test("a body's collaborations on a date come from membership intervals", async () => {
    const before = await get('/bodies/dorset/collaborations?asOf=2015-06-01');
    expect(before.status).toBe(200);
    expect(
      bodyOf<{ collaborations: AgreementSummaryBody[] }>(before).collaborations.map(
        (c: { agreementId: string }) => c.agreementId,
      ),
    ).toEqual(['zephyr']);
    const after = await get('/bodies/dorset/collaborations?asOf=2016-02-01');
    expect(bodyOf<{ collaborations: AgreementSummaryBody[] }>(after).collaborations).toEqual([]);
    expect(bodyOf(await get('/bodies/gwent/collaborations?asOf=2009-01-01')).collaborations).toEqual([]);
    expect((await get('/bodies/no-such-force/collaborations')).status).toBe(404);
  });
});

describe('boards, compliance and alerts', () => {
  test('a board with two meetings cancelled and never rearranged in 2015-16 is red, and alerts are raised then resolved', async () => {
    api.clock.set('2016-05-10T09:00:00.000Z');
    await post('/boards', {
      id: 'hampshire-tvp',
      name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
      agreements: ['hampshire-tvp-bilateral'],
      chair: 'Police and Crime Commissioner for Thames Valley',
      maxDaysBetweenMeetings: 92,
      quorum: 2,
      occurredAt: '2015-04-01',
    });
    const quarters: [string, string][] = [
      ['q1', '2015-06-15'],
      ['q2', '2015-09-15'],
      ['q3', '2015-12-15'],
      ['q4', '2016-03-15'],
    ];
    for (const [id, date] of quarters)
      await post('/boards/hampshire-tvp/meetings', { meetingId: `2015-${id}`, scheduledFor: date });
    const attendees = [
      { name: 'PCC', body: 'thames-valley' },
      { name: 'PCC', body: 'hampshire' },
    ];
    await post('/boards/hampshire-tvp/meetings/2015-q1/held', { occurredAt: '2015-06-15', attendees });
    await post('/boards/hampshire-tvp/meetings/2015-q2/cancellation', {
      reason: 'Chair unavailable',
      occurredAt: '2015-09-10',
    });
    await post('/boards/hampshire-tvp/meetings/2015-q3/cancellation', {
      reason: 'Operational demands',
      occurredAt: '2015-12-10',
    });
    await post('/boards/hampshire-tvp/meetings/2015-q4/held', { occurredAt: '2016-03-15', attendees });
    await post('/decisions', {
      id: 'contact-centres',
      summary: 'Joint contact centres',
      boardId: 'hampshire-tvp',
      meetingId: '2015-q1',
      occurredAt: '2015-06-15',
    });

    const compliance = await get('/boards/hampshire-tvp/compliance?financialYear=2015-16&asOf=2016-04-30');
    expect(compliance.status).toBe(200);
    expect(bodyOf(compliance).status).toBe('red');
    expect(bodyOf(compliance).counts).toEqual({
      scheduled: 4,
      held: 2,
      quorate: 2,
      cancelled: 2,
      cancelledNotRearranged: 2,
    });
    expect(bodyOf<{ reasons: string[] }>(compliance).reasons.join(' ')).toMatch(/cancel/i);

    const open = await eventually(
      () => api.admin.get('/alerts?status=open&rule=meeting-cancelled-not-rearranged'),
      (res) => bodyOf<AlertsBody>(res).alerts?.length === 2,
    );
    expect(bodyOf<AlertsBody>(open).alerts).toHaveLength(2);

    const q2 = bodyOf<AlertsBody>(open).alerts.find((a: { alertId: string }) => a.alertId.includes('2015-q2'));
    if (q2 === undefined) throw new Error('the 2015-q2 alert is not open');
    const officer = api.client(await api.token({ sub: 'officer.brown', roles: ['officer'], force: 'thames-valley' }));
    const ack = await officer.post(`/alerts/${q2.alertId}/acknowledgement`).send({ note: 'Raised with the chair' });
    expect(ack.status).toBe(201);
    const trail = await api.admin.get(`/streams/alert-${q2.alertId}/events`);
    expect(eventsOf(trail).map((e: { type: string }) => e.type)).toEqual(['AlertRaised', 'AlertAcknowledged']);
    expect(eventsOf(trail)[1]?.actorDisplay).toBe('officer:officer.brown (thames-valley)');

    await post('/boards/hampshire-tvp/meetings/2015-q2/rearrangement', {
      newDate: '2016-05-20',
      occurredAt: '2016-05-10',
    });
    const remaining = await eventually(
      () => api.admin.get('/alerts?status=open&rule=meeting-cancelled-not-rearranged'),
      (res) => bodyOf<AlertsBody>(res).alerts?.length === 1,
    );
    expect(bodyOf<AlertsBody>(remaining).alerts.map((a: { alertId: string }) => a.alertId)).toEqual([
      expect.stringContaining('2015-q3'),
    ]);
    const resolved = await api.admin.get('/alerts?status=resolved');
    expect(bodyOf<AlertsBody>(resolved).alerts.map((a: { alertId: string }) => a.alertId)).toContain(q2.alertId);
  });

  test('board detail, decisions log, savings, and 404s', async () => {
    const board = await get('/boards/hampshire-tvp');
    expect(board.status).toBe(200);
    expect(bodyOf(board).meetings).toHaveLength(4);
    const decisions = await get('/decisions?boardId=hampshire-tvp');
    expect(bodyOf(decisions).decisions).toHaveLength(1);
    await post('/agreements/zephyr/savings', { financialYear: '2015-16', kind: 'realised', amountGbp: 8500000 });
    const savings = await get('/savings?agreementId=zephyr');
    expect(JSON.stringify(savings.body)).toContain('850000000');
    expect((await get('/boards/nope/compliance')).status).toBe(404);
    expect((await get('/boards/hampshire-tvp/compliance?financialYear=2015-17')).status).toBe(400);
    expect((await get('/alerts/nope')).status).toBe(404);
    expect((await api.admin.post('/alerts/nope/acknowledgement').send({})).status).toBe(404);
  });
});
