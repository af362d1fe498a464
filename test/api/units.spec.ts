import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness, Writes } from './api-harness.js';
import { problemOf } from '../support/http.js';

/*
 * Units checked against their parent through real HTTP on the real application over PGlite: the handler loads
 * the parent and the decider refuses what the parent does not allow (issue 15 item 3).
 */

let api: ApiHarness;
/** The position of the latest accepted write: reads wait for it (minPosition) rather than sleeping. */
const writes = new Writes(() => api);
const post = (path: string, body: object) => writes.post(path, body);

const draft = (id: string, parties: string[], occurredAt: string, parentId?: string) =>
  post('/agreements', {
    id,
    title: `Agreement ${id}`,
    legalBasis: 's22A',
    businessArea: 'serious and organised crime',
    deliveryModel: 'joint-unit',
    parties,
    occurredAt,
    ...(parentId === undefined ? {} : { parentId }),
  });

const signAndApprove = async (id: string, parties: string[], on: string) => {
  for (const party of parties) {
    expect(
      (await post(`/agreements/${id}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: on })).status,
    ).toBe(201);
    expect((await post(`/agreements/${id}/pcc-approvals`, { party, occurredAt: on })).status).toBe(201);
  }
};

beforeAll(async () => {
  api = await startApi();
  expect((await draft('zephyr', ['avon-somerset', 'gloucestershire', 'wiltshire'], '2014-01-10')).status).toBe(201);
});

afterAll(async () => {
  await api?.close();
});

describe('a unit of Zephyr', () => {
  test('naming a force outside Zephyr is refused with the rule, naming the field', async () => {
    const res = await draft('zephyr-fraud', ['avon-somerset', 'dorset'], '2014-02-01', 'zephyr');
    expect(res.status).toBe(409);
    expect(problemOf(res)).toMatchObject({ code: 'not-a-party-of-parent' });
    expect(problemOf(res).errors?.[0]).toMatchObject({ field: 'parties', rule: 'not-a-party-of-parent' });
    expect(problemOf(res).detail).toContain('Dorset Police');
  });

  test('adding a force outside Zephyr to a unit is refused; one of its parties is accepted', async () => {
    expect((await draft('zephyr-riu', ['avon-somerset', 'gloucestershire'], '2014-02-01', 'zephyr')).status).toBe(201);
    const outside = await post('/agreements/zephyr-riu/parties', { party: 'dorset', occurredAt: '2014-02-02' });
    expect(outside.status).toBe(409);
    expect(problemOf(outside)).toMatchObject({ code: 'not-a-party-of-parent' });
    expect(
      (await post('/agreements/zephyr-riu/parties', { party: 'wiltshire', occurredAt: '2014-02-02' })).status,
    ).toBe(201);
  });

  test('cannot come into force before Zephyr does, and can once it has', async () => {
    const parties = ['avon-somerset', 'gloucestershire'];
    expect((await draft('zephyr-rart', parties, '2014-02-01', 'zephyr')).status).toBe(201);
    await signAndApprove('zephyr-rart', parties, '2014-02-10');
    const early = await post('/agreements/zephyr-rart/commencement', { occurredAt: '2014-03-01' });
    expect(early.status).toBe(409);
    expect(problemOf(early)).toMatchObject({ code: 'parent-not-in-force' });

    await signAndApprove('zephyr', ['avon-somerset', 'gloucestershire', 'wiltshire'], '2014-02-15');
    expect((await post('/agreements/zephyr/commencement', { occurredAt: '2014-04-01' })).status).toBe(201);
    expect((await post('/agreements/zephyr-rart/commencement', { occurredAt: '2014-04-01' })).status).toBe(201);
  });
});

describe('the register by parent (?parentId=)', () => {
  test("lists only Zephyr's units, in pages", async () => {
    const first = await api.admin.get(`/agreements?parentId=zephyr&limit=1&minPosition=${writes.last}`);
    expect(first.status).toBe(200);
    const page1 = first.body as { agreements: { agreementId: string; parentId: string }[]; next: string | null };
    expect(page1.agreements).toHaveLength(1);
    expect(page1.next).not.toBeNull();
    const rest = await api.admin.get(`/agreements?parentId=zephyr&limit=10&cursor=${page1.next}`);
    const page2 = rest.body as { agreements: { agreementId: string; parentId: string }[]; next: string | null };
    const ids = [...page1.agreements, ...page2.agreements].map((a) => a.agreementId).sort();
    expect(ids).toEqual(['zephyr-riu', 'zephyr-rart'].sort());
    expect(page2.next).toBeNull();
  });

  test('a malformed parentId is refused naming the field', async () => {
    const res = await api.admin.get('/agreements?parentId=Not%20An%20Id');
    expect(res.status).toBe(400);
    expect(problemOf(res).errors?.[0]).toMatchObject({ field: 'parentId' });
  });
});

describe('the parent lists its units (GET /agreements/:id)', () => {
  test('now, and as of a date before they were drafted', async () => {
    const now = await api.admin.get(`/agreements/zephyr?minPosition=${writes.last}`);
    expect(now.status).toBe(200);
    expect((now.body as { units: string[] }).units).toEqual(['zephyr-rart', 'zephyr-riu']);
    const asOf = await api.admin.get(`/agreements/zephyr?asOf=2016-01-01&minPosition=${writes.last}`);
    expect((asOf.body as { units: string[] }).units).toEqual(['zephyr-rart', 'zephyr-riu']);
    const before = await api.admin.get(`/agreements/zephyr?asOf=2014-01-20&minPosition=${writes.last}`);
    expect(before.status).toBe(200);
    expect((before.body as { units: string[] }).units).toEqual([]);
    const unit = await api.admin.get(`/agreements/zephyr-rart?minPosition=${writes.last}`);
    expect((unit.body as { units: string[]; parentId: string }).units).toEqual([]);
  });
});
