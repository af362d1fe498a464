import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { TERRITORIAL_FORCES } from '#domain';
import { startApi, type ApiHarness, Writes } from './api-harness.js';
import { bodyOf, problemOf } from '../support/http.js';

/*
 * A large consortium recorded with every member (issue 15 item 7), through real HTTP on the real application over
 * PGlite: 25 reference forces and 7 registered fire and rescue authorities on one s23A agreement, each force a party
 * by its chief officer and its policing body, every member signing, every chief officer approved, commencement, and
 * every member read back. The authorities are real English fire and rescue authorities, chosen for the test; they are
 * not said to be the Vehicle Procurement Consortium's members (its source names none but Gloucestershire).
 */

const FIRE_AUTHORITIES = [
  ['avon-fire-authority', 'Avon Fire Authority'],
  ['devon-somerset-fire-authority', 'Devon and Somerset Fire and Rescue Authority'],
  ['dorset-wiltshire-fire-authority', 'Dorset and Wiltshire Fire and Rescue Authority'],
  ['hampshire-iow-fire-authority', 'Hampshire and Isle of Wight Fire and Rescue Authority'],
  ['royal-berkshire-fire-authority', 'Royal Berkshire Fire Authority'],
  ['buckinghamshire-mk-fire-authority', 'Buckinghamshire and Milton Keynes Fire Authority'],
  ['east-sussex-fire-authority', 'East Sussex Fire Authority'],
] as const;
const FIRE = FIRE_AUTHORITIES.map(([id]) => id);
const FORCES = TERRITORIAL_FORCES.slice(0, 25).map((force) => force.id);
const MEMBERS = [...FORCES, ...FIRE];
const ID = 'fleet-procurement';

let api: ApiHarness;
/** The position of the latest accepted write: reads wait for it (minPosition) rather than sleeping. */
const writes = new Writes(() => api);
const post = (path: string, body: object) => writes.post(path, body);
const get = async <T>(path: string): Promise<T> => {
  const res = await api.admin.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${writes.last}`);
  expect(res.status).toBe(200);
  return bodyOf<T>(res);
};

const draft = (id: string, body: object) =>
  post('/agreements', {
    id,
    title: 'Fleet procurement consortium',
    legalBasis: 's23A',
    scope: 'regional',
    businessArea: 'vehicle procurement',
    deliveryModel: 'virtual',
    occurredAt: '2019-01-10',
    ...body,
  });

interface Party {
  id: string;
  capacity: string | null;
  capacityText: string;
  approvalAsked: boolean;
  signedOn: string | null;
  approvedOn: string | null;
  current: boolean;
}
interface Detail {
  status: string;
  inForceFrom: string | null;
  parties: Party[];
  membership?: { bodyId: string }[];
  membersNamed: string | null;
  declaredMembership: { description: string; count: number } | null;
}
interface Collaborations {
  collaborations: { agreementId: string; capacity: string | null; capacityText: string; member: boolean | null }[];
}

beforeAll(async () => {
  api = await startApi({}, { now: '2020-01-01T09:00:00.000Z' });
  for (const [id, name] of FIRE_AUTHORITIES) {
    expect((await post('/bodies', { id, name, kind: 'fire-and-rescue' })).status).toBe(201);
  }
});

afterAll(async () => {
  await api?.close();
});

describe('a consortium of 25 forces and 7 fire and rescue authorities', () => {
  const capacities = FORCES.map((party) => ({ party, capacity: 'chief-officer-and-policing-body' }));

  test('a chief officer alone on s23A and a capacity for a fire authority are refused, naming the field', async () => {
    const alone = await draft('refused-1', {
      parties: MEMBERS,
      partyCapacities: [{ party: FORCES[0], capacity: 'chief-officer' }],
    });
    expect(alone.status).toBe(422);
    expect(problemOf(alone).errors?.[0]).toMatchObject({
      field: 'partyCapacities[0].capacity',
      rule: 'chief-officer-on-s23a',
    });
    const fire = await draft('refused-2', {
      parties: MEMBERS,
      partyCapacities: [{ party: FIRE[0], capacity: 'policing-body' }],
    });
    expect(fire.status).toBe(422);
    expect(problemOf(fire).errors?.[0]).toMatchObject({
      field: 'partyCapacities[0].capacity',
      rule: 'capacity-without-policing-body',
    });
    const unknownCapacity = await draft('refused-3', {
      parties: MEMBERS,
      partyCapacities: [{ party: FORCES[0], capacity: 'constable' }],
    });
    expect(unknownCapacity.status).toBe(400);
    const firesAlone = await draft('refused-4', { parties: FIRE });
    expect(firesAlone.status).toBe(422);
    expect(problemOf(firesAlone)).toMatchObject({ code: 'no-police-party' });
  });

  test('is drafted with every member, signed by all, approved for every chief officer, and commences', async () => {
    expect((await draft(ID, { parties: MEMBERS, partyCapacities: capacities })).status).toBe(201);
    for (const party of MEMBERS) {
      const signed = await post(`/agreements/${ID}/signatures`, {
        party,
        signedBy: 'signatory',
        occurredAt: '2019-02-01',
      });
      expect(signed.status).toBe(201);
    }
    const early = await post(`/agreements/${ID}/commencement`, { occurredAt: '2019-03-01' });
    expect(early.status).toBe(409);
    expect(problemOf(early)).toMatchObject({ code: 'approvals-missing' });
    const notAsked = await post(`/agreements/${ID}/pcc-approvals`, { party: FIRE[0], occurredAt: '2019-02-15' });
    expect(problemOf(notAsked)).toMatchObject({ code: 'no-policing-body' });
    for (const party of FORCES) {
      expect((await post(`/agreements/${ID}/pcc-approvals`, { party, occurredAt: '2019-02-15' })).status).toBe(201);
    }
    expect((await post(`/agreements/${ID}/commencement`, { occurredAt: '2019-03-01' })).status).toBe(201);
  });

  test('the agreement reads back every member with its capacity, now and as of a day', async () => {
    const now = await get<Detail>(`/agreements/${ID}`);
    expect(now.status).toBe('in-force');
    expect(now.parties.map((p) => p.id)).toEqual(MEMBERS);
    expect(now.membersNamed).toBeNull();
    for (const party of now.parties) {
      const police = FORCES.includes(party.id);
      expect(party).toMatchObject({
        capacity: police ? 'chief-officer-and-policing-body' : null,
        capacityText: police ? 'chief officer and policing body' : 'not recorded',
        approvalAsked: police,
        signedOn: '2019-02-01',
        approvedOn: police ? '2019-02-15' : null,
        current: true,
      });
    }
    const asOf = await get<Detail>(`/agreements/${ID}?asOf=2019-06-30`);
    expect(asOf.inForceFrom).toBe('2019-03-01');
    expect(asOf.parties.map((p) => [p.id, p.capacity])).toEqual(
      MEMBERS.map((id) => [id, FORCES.includes(id) ? 'chief-officer-and-policing-body' : null]),
    );
    expect(asOf.membership?.map((m) => m.bodyId).sort()).toEqual([...MEMBERS].sort());
    const before = await get<Detail>(`/agreements/${ID}?asOf=2019-01-31`);
    expect(before.status).toBe('drafted');
  });

  test("every member's collaborations list it, with the capacity it is a party in", async () => {
    for (const member of MEMBERS) {
      const { collaborations } = await get<Collaborations>(`/bodies/${member}/collaborations?asOf=2019-06-30`);
      const police = FORCES.includes(member);
      expect(collaborations).toEqual([
        expect.objectContaining({
          agreementId: ID,
          member: true,
          capacity: police ? 'chief-officer-and-policing-body' : null,
          capacityText: police ? 'chief officer and policing body' : 'not recorded',
        }),
      ]);
    }
  });
});

describe('a membership declared but not every member named', () => {
  const declaredMembership = { description: '25 police forces and 7 fire and rescue authorities', count: 32 };

  test('one named member with the declaration is drafted and reads "1 of 32 members named"', async () => {
    const alone = await draft('named-alone', { parties: ['gloucestershire'] });
    expect(alone.status).toBe(422);
    expect(problemOf(alone)).toMatchObject({ code: 'too-few-parties' });
    expect((await draft('declared', { parties: ['gloucestershire'], declaredMembership })).status).toBe(201);
    const detail = await get<Detail>('/agreements/declared');
    expect(detail.declaredMembership).toEqual(declaredMembership);
    expect(detail.membersNamed).toBe('1 of 32 members named');
    expect(detail.parties.map((p) => p.id)).toEqual(['gloucestershire']);
    expect((await post('/agreements/declared/parties', { party: FIRE[0], occurredAt: '2019-01-11' })).status).toBe(201);
    expect((await get<Detail>('/agreements/declared')).membersNamed).toBe('2 of 32 members named');
  });

  test('a declared count below the members named is refused, naming the field', async () => {
    const res = await draft('declared-small', {
      parties: ['gloucestershire', 'wiltshire', 'dorset'],
      declaredMembership: { description: 'two forces', count: 2 },
    });
    expect(res.status).toBe(422);
    expect(problemOf(res).errors?.[0]).toMatchObject({
      field: 'declaredMembership.count',
      rule: 'declared-membership-too-small',
    });
  });
});
