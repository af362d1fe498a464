import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * Structured, versioned terms and notice periods (issue 15 items 1 and 5): POST /agreements/:id/terms sets the
 * next version of the whole document; GET /agreements/:id shows it and its history, and ?asOf the version in force
 * on that day; withdrawal notice shorter than the notice period is refused unless an override says who accepted it.
 */

interface TermsVersionBody {
  termsVersion: number;
  effectiveFrom: string;
  setOn: string;
  terms: {
    purpose: string;
    contributions: { party: string; shareBasisPoints: number | null; amountPence: number | null }[];
    noticePeriod: { length: number; unit: string } | null;
  };
}
interface AgreementBody {
  terms: TermsVersionBody | null;
  termsHistory: TermsVersionBody[];
  parties: {
    id: string;
    noticeEffectiveOn: string | null;
    noticeOverride: { acceptedBy: string; reason: string } | null;
  }[];
}

const PARTIES = ['hampshire', 'thames-valley', 'surrey'];
const ID = 'south-east-roads';
const terms = (noticeMonths: number, shares: [number, number, number]) => ({
  purpose: 'One roads policing unit for the three forces',
  efficiencyCase: 'One rota and one fleet instead of three',
  functions: ['roads policing', 'collision investigation'],
  deliveryModel: 'joint-unit',
  directionAndControl: 'Each chief constable directs and controls the staff of their own force',
  contributions: PARTIES.map((party, i) => ({ party, shareBasisPoints: shares[i] })),
  liability: 'Shared in proportion to contributions',
  noticePeriod: { length: noticeMonths, unit: 'months' },
  exitTerms: 'A leaving force meets its share of the unit’s committed costs for the notice period',
  reviewCycleMonths: 12,
});

for (const driver of testDrivers) {
  driver.describe(`agreement terms and notice periods on ${driver.name}`, () => {
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

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'agreement-terms-test-secret-32-bytes!' } : {},
        { now: '2016-06-30T09:00:00.000Z' },
      );
      await ok('/agreements', {
        id: ID,
        title: 'South East Roads Policing Collaboration',
        legalBasis: 's22A',
        businessArea: 'roads policing',
        deliveryModel: 'joint-unit',
        parties: PARTIES,
        occurredAt: '2014-01-10',
      });
      for (const party of PARTIES) {
        await ok(`/agreements/${ID}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: '2014-02-01' });
        await ok(`/agreements/${ID}/pcc-approvals`, { party, occurredAt: '2014-02-15' });
      }
      await ok(`/agreements/${ID}/commencement`, { occurredAt: '2014-04-01' });
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('version 1, then version 2 effective later: the detail shows both, and asOf the one in force that day', async () => {
      await ok(`/agreements/${ID}/terms`, {
        effectiveFrom: '2014-04-01',
        terms: terms(12, [4000, 4000, 2000]),
        occurredAt: '2014-02-01',
      });
      await ok(`/agreements/${ID}/terms`, {
        effectiveFrom: '2015-04-01',
        terms: terms(6, [4500, 3500, 2000]),
        occurredAt: '2015-01-10',
      });

      const now = await agreement();
      expect(now.terms).toMatchObject({ termsVersion: 2, effectiveFrom: '2015-04-01', setOn: '2015-01-10' });
      expect(now.termsHistory.map((v) => [v.termsVersion, v.effectiveFrom])).toEqual([
        [1, '2014-04-01'],
        [2, '2015-04-01'],
      ]);
      expect(now.terms?.terms.contributions[0]).toEqual({
        party: 'hampshire',
        shareBasisPoints: 4500,
        amountPence: null,
      });

      // Version 2 was agreed on 2015-01-10 but took effect on 2015-04-01: between the two, version 1 was in force.
      const between = await agreement('&asOf=2015-02-01');
      expect(between.terms).toMatchObject({ termsVersion: 1, terms: { noticePeriod: { length: 12, unit: 'months' } } });
      expect(between.termsHistory.map((v) => v.termsVersion)).toEqual([1, 2]);
      expect((await agreement('&asOf=2015-04-01')).terms?.termsVersion).toBe(2);
      expect((await agreement('&asOf=2014-03-01')).terms).toBeNull();
    });

    test('notice shorter than the notice period is refused, naming the period; an override lets it through', async () => {
      const notice = { party: 'surrey', effectiveOn: '2015-09-01', occurredAt: '2015-06-01' };
      const refused = await post(`/agreements/${ID}/withdrawal-notices`, notice);
      expect(refused.status).toBe(422);
      expect(problemOf(refused)).toMatchObject({ code: 'notice-too-short' });
      expect(problemOf(refused).detail).toContain('notice period of 6 months');
      expect(problemOf(refused).detail).toContain('2015-12-01');

      const override = {
        acceptedBy: 'The chief constables of Hampshire and Thames Valley',
        reason: 'Surrey joins Sussex',
      };
      await ok(`/agreements/${ID}/withdrawal-notices`, { ...notice, override });
      const surrey = (await agreement()).parties.find((p) => p.id === 'surrey');
      expect(surrey).toMatchObject({ noticeEffectiveOn: '2015-09-01', noticeOverride: override });
      expect((await agreement()).parties.find((p) => p.id === 'hampshire')?.noticeOverride).toBeNull();
    });

    test('bad terms are a 400 naming the field and rule, or a 422 for a broken rule of the terms; nothing is written', async () => {
      const base = { effectiveFrom: '2016-04-01', occurredAt: '2016-01-10' };
      for (const [label, body, status, field] of [
        [
          'no purpose',
          { ...base, terms: { ...terms(6, [5000, 3000, 2000]), purpose: undefined } },
          400,
          'terms.purpose',
        ],
        ['zero notice', { ...base, terms: { ...terms(0, [5000, 3000, 2000]) } }, 400, 'terms.noticePeriod.length'],
        [
          'notice in weeks',
          { ...base, terms: { ...terms(6, [5000, 3000, 2000]), noticePeriod: { length: 6, unit: 'weeks' } } },
          400,
          'terms.noticePeriod.unit',
        ],
        ['terms not an object', { ...base, terms: 'see the PDF' }, 400, 'terms'],
        ['no effective date', { terms: terms(6, [5000, 3000, 2000]) }, 400, 'effectiveFrom'],
        ['shares not whole', { ...base, terms: terms(6, [5000, 3000, 1000]) }, 422, 'terms.contributions'],
        [
          'not a party',
          { ...base, terms: { ...terms(6, [5000, 3000, 2000]), hostForce: 'kent', deliveryModel: 'host-force' } },
          422,
          'terms.hostForce',
        ],
        [
          'effective before version 2',
          { ...base, effectiveFrom: '2015-01-01', terms: terms(6, [5000, 3000, 2000]) },
          422,
          'effectiveFrom',
        ],
      ] as const) {
        const res = await post(`/agreements/${ID}/terms`, body);
        expect({ label, status: res.status }).toEqual({ label, status });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.stringify(problemOf(res))).toContain(field);
      }
      const override = await post(`/agreements/${ID}/withdrawal-notices`, {
        party: 'thames-valley',
        effectiveOn: '2016-09-01',
        occurredAt: '2016-06-01',
        override: { acceptedBy: '' },
      });
      expect(override.status).toBe(400);
      expect(JSON.stringify(problemOf(override))).toContain('override.acceptedBy');
      expect((await agreement()).termsHistory.map((v) => v.termsVersion)).toEqual([1, 2]);
    });
  });
}
