import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * Variations are made like agreements (Police Act 1996 s23C(4)): seed 002's tri-force firearms work, a joint unit,
 * proposed to move to host-force delivery by Avon and Somerset. It is pending, naming who is still missing, until
 * every party has signed and every policing body approved; then the new terms are the terms, and ?asOf before that
 * shows the old terms and the variation pending.
 */

interface VariationBody {
  kind: 'terms' | 'note';
  variationId: string | null;
  status: 'pending' | 'effective' | 'withdrawn';
  variedOn: string | null;
  effectiveFrom: string | null;
  termsVersion: number | null;
  signatures: { party: string; signedBy: string; signedOn: string }[];
  approvals: { party: string; policingBody: { id: string }; approvedOn: string }[];
  awaitingSignature: string[];
  awaitingApproval: string[];
  withdrawalReason: string | null;
}
interface AgreementBody {
  variations: VariationBody[];
  terms: { termsVersion: number; effectiveFrom: string; terms: { deliveryModel: string; hostForce: string | null } };
  termsHistory: { termsVersion: number }[];
}

const PARTIES = ['avon-somerset', 'gloucestershire', 'wiltshire'];
const ID = 'tri-force-firearms';
const VARIATION = 'firearms-host-force';
const terms = (hostForce: string | null) => ({
  purpose: 'One firearms service for the three forces',
  functions: ['armed response', 'firearms training'],
  deliveryModel: hostForce ? 'host-force' : 'joint-unit',
  ...(hostForce ? { hostForce } : {}),
  noticePeriod: { length: 12, unit: 'months' },
});

for (const driver of testDrivers) {
  driver.describe(`variations of an agreement on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const post = (path: string, body: object) => api.admin.post(path).send(body);
    const ok = async (path: string, body: object) => {
      const res = await post(path, body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
    };
    const agreement = async (query = '') =>
      bodyOf<AgreementBody>(await api.admin.get(`/agreements/${ID}?minPosition=${last}${query}`));
    const variation = async (query = '') =>
      (await agreement(query)).variations.find((v) => v.variationId === VARIATION);
    const sign = (party: string, occurredAt: string) =>
      post(`/agreements/${ID}/variations/${VARIATION}/signatures`, { party, signedBy: 'Chief Constable', occurredAt });

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'variations-test-secret-of-32-bytes!!' } : {},
        { now: '2018-06-30T09:00:00.000Z' },
      );
      await ok('/agreements', {
        id: ID,
        title: 'Tri-Force Firearms',
        legalBasis: 's22A',
        businessArea: 'firearms',
        deliveryModel: 'joint-unit',
        parties: PARTIES,
        occurredAt: '2015-01-10',
      });
      for (const party of PARTIES) {
        await ok(`/agreements/${ID}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: '2015-02-01' });
        await ok(`/agreements/${ID}/pcc-approvals`, { party, occurredAt: '2015-02-15' });
      }
      await ok(`/agreements/${ID}/commencement`, { occurredAt: '2015-04-01' });
      await ok(`/agreements/${ID}/terms`, {
        effectiveFrom: '2015-04-01',
        terms: terms(null),
        occurredAt: '2015-02-01',
      });
    }, 180_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('proposed and signed by two of three: pending, naming the party still to sign', async () => {
      await ok(`/agreements/${ID}/variations`, {
        variationId: VARIATION,
        summary: 'Avon and Somerset hosts the firearms unit',
        proposedTerms: terms('avon-somerset'),
        effectiveFrom: '2017-04-01',
        occurredAt: '2017-01-10',
      });
      expect((await sign('avon-somerset', '2017-02-01')).status).toBe(201);
      const second = await sign('gloucestershire', '2017-02-02');
      expect(second.status).toBe(201);
      last = bodyOf<AppendedBody>(second).position;

      expect(await variation()).toMatchObject({
        kind: 'terms',
        status: 'pending',
        variedOn: null,
        awaitingSignature: ['wiltshire'],
        awaitingApproval: PARTIES,
      });
      expect((await agreement()).terms.terms).toMatchObject({ deliveryModel: 'joint-unit', hostForce: null });
    });

    test('the last signature and approvals bring it into effect: the terms show the new host', async () => {
      await ok(`/agreements/${ID}/variations/${VARIATION}/signatures`, {
        party: 'wiltshire',
        signedBy: 'Chief Constable',
        occurredAt: '2017-02-03',
      });
      await ok(`/agreements/${ID}/variations/${VARIATION}/pcc-approvals`, {
        party: 'avon-somerset',
        occurredAt: '2017-02-10',
      });
      await ok(`/agreements/${ID}/variations/${VARIATION}/pcc-approvals`, {
        party: 'gloucestershire',
        occurredAt: '2017-02-10',
      });
      expect((await variation())?.status).toBe('pending');
      expect((await variation())?.awaitingApproval).toEqual(['wiltshire']);
      await ok(`/agreements/${ID}/variations/${VARIATION}/pcc-approvals`, {
        party: 'wiltshire',
        occurredAt: '2017-02-20',
      });

      const now = await agreement();
      expect(now.variations.find((v) => v.variationId === VARIATION)).toMatchObject({
        status: 'effective',
        variedOn: '2017-02-20',
        effectiveFrom: '2017-04-01',
        termsVersion: 2,
        awaitingSignature: [],
        awaitingApproval: [],
      });
      expect(now.terms).toMatchObject({
        termsVersion: 2,
        effectiveFrom: '2017-04-01',
        terms: { deliveryModel: 'host-force', hostForce: 'avon-somerset' },
      });
      expect(now.termsHistory.map((v) => v.termsVersion)).toEqual([1, 2]);
    });

    test('asOf before it took effect: the old terms, and the variation pending or not yet proposed', async () => {
      const pending = await agreement('&asOf=2017-02-05');
      expect(pending.terms).toMatchObject({ termsVersion: 1, terms: { hostForce: null } });
      expect(pending.variations.find((v) => v.variationId === VARIATION)).toMatchObject({
        status: 'pending',
        awaitingSignature: [],
        awaitingApproval: PARTIES,
      });
      const before = await agreement('&asOf=2016-12-31');
      expect(before.variations).toEqual([]);
      expect(before.terms.termsVersion).toBe(1);
      // Effective (signed and approved) from 20 February, its terms from 1 April.
      const agreedNotYetInForce = await agreement('&asOf=2017-03-01');
      expect(agreedNotYetInForce.variations[0]?.status).toBe('effective');
      expect(agreedNotYetInForce.terms.termsVersion).toBe(1);
      expect((await agreement('&asOf=2017-04-01')).terms.terms.hostForce).toBe('avon-somerset');
    });

    test('refusals name the field: a non-party, twice, after withdrawal, bad input', async () => {
      const effective = await sign('wiltshire', '2017-03-01');
      expect(effective.status).toBe(409);
      expect(problemOf(effective)).toMatchObject({ code: 'variation-already-effective' });

      await ok(`/agreements/${ID}/variations`, {
        variationId: 'wiltshire-host',
        summary: 'Wiltshire hosts instead',
        proposedTerms: terms('wiltshire'),
        occurredAt: '2018-01-10',
      });
      const path = `/agreements/${ID}/variations/wiltshire-host`;
      const outsider = await post(`${path}/signatures`, { party: 'kent', signedBy: 'CC', occurredAt: '2018-02-01' });
      expect(outsider.status).toBe(409);
      expect(problemOf(outsider)).toMatchObject({ code: 'not-a-party' });
      expect(JSON.stringify(problemOf(outsider))).toContain('party');

      await ok(`${path}/signatures`, { party: 'wiltshire', signedBy: 'CC', occurredAt: '2018-02-01' });
      const twice = await post(`${path}/signatures`, { party: 'wiltshire', signedBy: 'CC', occurredAt: '2018-02-02' });
      expect(twice.status).toBe(409);
      expect(problemOf(twice)).toMatchObject({ code: 'party-already-signed' });

      await ok(`${path}/withdrawal`, { reason: 'Wiltshire cannot staff it', occurredAt: '2018-03-01' });
      const withdrawn = await post(`${path}/pcc-approvals`, { party: 'wiltshire', occurredAt: '2018-03-02' });
      expect(withdrawn.status).toBe(409);
      expect(problemOf(withdrawn)).toMatchObject({ code: 'variation-withdrawn' });
      expect(JSON.stringify(problemOf(withdrawn))).toContain('variationId');
      expect((await agreement()).variations.find((v) => v.variationId === 'wiltshire-host')).toMatchObject({
        status: 'withdrawn',
        withdrawalReason: 'Wiltshire cannot staff it',
      });

      const unknown = await post(`/agreements/${ID}/variations/no-such/signatures`, {
        party: 'wiltshire',
        signedBy: 'CC',
        occurredAt: '2018-03-02',
      });
      expect(unknown.status).toBe(404);

      for (const [label, body, status, field] of [
        [
          'terms without an id',
          { summary: 'x', proposedTerms: terms('wiltshire'), occurredAt: '2018-04-01' },
          400,
          'variationId',
        ],
        ['an id without terms', { variationId: 'v9', summary: 'x', occurredAt: '2018-04-01' }, 400, 'proposedTerms'],
        [
          'a host that is not a party',
          { variationId: 'v9', summary: 'x', proposedTerms: terms('kent'), occurredAt: '2018-04-01' },
          422,
          'proposedTerms.hostForce',
        ],
        [
          'no purpose',
          { variationId: 'v9', summary: 'x', proposedTerms: { deliveryModel: 'joint-unit' }, occurredAt: '2018-04-01' },
          400,
          'proposedTerms.purpose',
        ],
      ] as const) {
        const res = await post(`/agreements/${ID}/variations`, body);
        expect({ label, status: res.status }).toEqual({ label, status });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.stringify(problemOf(res))).toContain(field);
      }
      // A free-text note of a variation stays possible, and reads as one.
      await ok(`/agreements/${ID}/variations`, { summary: 'Dogs section added', occurredAt: '2018-05-01' });
      expect((await agreement()).variations.at(-1)).toMatchObject({ kind: 'note', status: 'effective' });
    });
  });
}
