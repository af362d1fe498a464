import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, eventsOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * The benefits ledger (issue 15 item 6) with seed 002's figures (Avon and Somerset Police and Crime Panel,
 * link member report, July 2018): "this is more about efficiency of time rather than monetary efficiency. The
 * collaboration has saved some money - £8.5m regionally, around £3m locally, but it was nowhere near the
 * previous estimates of around £25m."
 */

const SOURCE = 'Avon and Somerset Police and Crime Panel, link member report, July 2018';
const SW = ['avon-somerset', 'devon-cornwall', 'dorset', 'gloucestershire', 'wiltshire'];
const SE = ['hampshire', 'thames-valley'];
const PROGRAMME = { from: '2014-15', to: '2017-18' };

interface Money {
  pence: number;
  formatted: string;
}
interface Totals {
  savings: { forecast: Money; realised: Money };
  costs: { forecast: Money; realised: Money };
  net: { forecast: Money; realised: Money };
  nonCash: { entryId: string; description: string; measure: string | null }[];
  entries: number;
}
interface Split {
  wholeAgreement: Totals;
  attributed: Totals;
}
interface Row extends Split {
  agreementId?: string;
  force?: string;
  region?: string;
  period?: { from: string; to: string };
  ledger?: { entryId: string; origin: string; supersededBy: string | null; supersedes: string | null }[];
}
interface BenefitsBody {
  by: string;
  benefits: Row[];
  next: string | null;
}

const pence = (pounds: number): Money => ({
  pence: pounds * 100,
  formatted: `${pounds < 0 ? '-' : ''}£${Math.abs(pounds).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`,
});

for (const driver of testDrivers) {
  driver.describe(`the benefits ledger on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const post = (path: string, body: object) => api.admin.post(path).send(body);
    const ok = async (path: string, body: object) => {
      const res = await post(path, body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
      return bodyOf<AppendedBody>(res);
    };
    const inForce = async (id: string, title: string, parties: string[]) => {
      await ok('/agreements', {
        id,
        title,
        legalBasis: 's22A',
        businessArea: 'specialist operations',
        deliveryModel: 'host-force',
        parties,
        hostForce: parties[0],
        occurredAt: '2014-01-10',
      });
      for (const party of parties) {
        await ok(`/agreements/${id}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: '2014-02-01' });
        await ok(`/agreements/${id}/pcc-approvals`, { party, occurredAt: '2014-02-15' });
      }
      await ok(`/agreements/${id}/commencement`, { occurredAt: '2014-04-01' });
    };
    const benefits = async (query: string): Promise<BenefitsBody> => {
      const res = await api.admin.get(`/benefits?${query}&minPosition=${last}`);
      expect(res.status).toBe(200);
      return bodyOf<BenefitsBody>(res);
    };

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'benefits-ledger-test-secret-32-bytes!!' } : {},
        { now: '2018-07-02T10:00:00.000Z' },
      );
      await inForce('sw-programme', 'South West regional collaboration programme', SW);
      await inForce('hampshire-tvp', 'Hampshire/Thames Valley roads policing', SE);
      // Release 0.1 savings figures, on the agreement's own stream: the ledger reads them as saving entries.
      await ok('/agreements/hampshire-tvp/savings', { financialYear: '2015-16', kind: 'forecast', amountGbp: 100_000 });
      await ok('/agreements/hampshire-tvp/savings', { financialYear: '2015-16', kind: 'realised', amountGbp: 80_000 });

      const entry = (id: string, fields: object) =>
        ok('/agreements/sw-programme/benefits', { id, source: SOURCE, ...fields });
      await entry('regional-forecast', {
        kind: 'saving',
        status: 'forecast',
        amountPence: 2_500_000_000,
        period: PROGRAMME,
      });
      await entry('regional-realised', {
        kind: 'saving',
        status: 'realised',
        amountPence: 850_000_000,
        period: PROGRAMME,
      });
      await entry('local-realised', {
        kind: 'saving',
        status: 'realised',
        amountPence: 250_000_000,
        period: PROGRAMME,
        attributedTo: 'avon-somerset',
      });
      await entry('efficiency-of-time', {
        kind: 'non-cash',
        status: 'realised',
        description: 'Efficiency of time rather than monetary efficiency',
        measure: 'officer time',
        period: PROGRAMME,
      });
      await entry('programme-cost', {
        kind: 'cost',
        status: 'realised',
        amountPence: 40_000_000,
        financialYear: '2016-17',
      });
      await ok('/agreements/sw-programme/termination', {
        reason: 'Tri-force work broke down',
        occurredAt: '2018-03-31',
      });
      // The final outturn arrives after the agreement ended.
      await entry('outturn-2018-19', {
        kind: 'cost',
        status: 'realised',
        amountPence: 10_000_000,
        financialYear: '2018-19',
        note: 'Winding-down costs',
      });
    }, 180_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('a correction supersedes the local figure by id; the first entry stays in the log as it was', async () => {
      const written = await ok('/agreements/sw-programme/benefits/local-realised/correction', {
        id: 'local-realised-corrected',
        kind: 'saving',
        status: 'realised',
        amountPence: 300_000_000,
        period: PROGRAMME,
        attributedTo: 'avon-somerset',
        source: SOURCE,
        reason: 'The report says around £3m locally',
      });
      expect(written.streamId).toBe('benefits-sw-programme');
      const trail = eventsOf(await api.admin.get('/streams/benefits-sw-programme/events'));
      expect(trail.map((e) => e.type)).toEqual([...Array<string>(6).fill('BenefitRecorded'), 'BenefitCorrected']);
      expect(trail[2]?.data).toMatchObject({ entryId: 'local-realised', amountPence: 250_000_000 });

      const again = await post('/agreements/sw-programme/benefits/local-realised/correction', {
        id: 'local-realised-3',
        kind: 'saving',
        status: 'realised',
        amountPence: 300_000_000,
        period: PROGRAMME,
        reason: 'Twice',
      });
      expect(again.status).toBe(409);
      expect(problemOf(again).code).toBe('benefit-entry-superseded');
    });

    test('by agreement: the programme forecast against realised, shares apart, the non-cash benefit listed, and net', async () => {
      const { benefits: rows } = await benefits('by=agreement&agreementId=sw-programme');
      expect(rows).toHaveLength(1);
      const sw = rows[0]!;
      expect(sw.wholeAgreement).toMatchObject({
        savings: { forecast: pence(25_000_000), realised: pence(8_500_000) },
        costs: { forecast: pence(0), realised: pence(500_000) },
        net: { forecast: pence(25_000_000), realised: pence(8_000_000) },
        nonCash: [{ entryId: 'efficiency-of-time', description: 'Efficiency of time rather than monetary efficiency' }],
        entries: 5,
      });
      expect(sw.attributed).toMatchObject({ savings: { realised: pence(3_000_000) }, entries: 1 });
      expect(sw.wholeAgreement.savings.realised.formatted).toBe('£8,500,000.00');
      const local = sw.ledger?.filter((e) => e.entryId.startsWith('local-realised'));
      expect(local).toEqual([
        expect.objectContaining({ entryId: 'local-realised', supersededBy: 'local-realised-corrected' }),
        expect.objectContaining({
          entryId: 'local-realised-corrected',
          supersedes: 'local-realised',
          supersededBy: null,
        }),
      ]);
    });

    test('release 0.1 savings answer in the ledger as saving entries, and GET /savings answers as before', async () => {
      const { benefits: rows } = await benefits('by=agreement&agreementId=hampshire-tvp');
      expect(rows[0]?.wholeAgreement.savings).toEqual({ forecast: pence(100_000), realised: pence(80_000) });
      expect(rows[0]?.ledger?.map((e) => [e.entryId, e.origin])).toEqual([
        ['savings:forecast:2015-16', 'savings'],
        ['savings:realised:2015-16', 'savings'],
      ]);
      const savings = await api.admin.get(`/savings?agreementId=hampshire-tvp&minPosition=${last}`);
      expect(bodyOf<{ savings: unknown[] }>(savings).savings).toEqual([
        {
          agreementId: 'hampshire-tvp',
          title: 'Hampshire/Thames Valley roads policing',
          financialYear: '2015-16',
          forecastPence: 10_000_000,
          realisedPence: 8_000_000,
        },
      ]);
    });

    test("by force: Avon and Somerset's own ~£3m apart from the programme's £8.5m it shares", async () => {
      const { benefits: rows } = await benefits('by=force&force=avon-somerset');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        force: 'avon-somerset',
        attributed: { savings: { realised: pence(3_000_000) } },
        wholeAgreement: { savings: { forecast: pence(25_000_000), realised: pence(8_500_000) } },
      });
      const all = await benefits('by=force');
      const dorset = all.benefits.find((r) => r.force === 'dorset');
      expect(dorset?.attributed.entries).toBe(0);
      expect(dorset?.wholeAgreement.savings.realised).toEqual(pence(8_500_000));
      expect(all.benefits.find((r) => r.force === 'hampshire')?.wholeAgreement.savings.realised).toEqual(pence(80_000));
    });

    test('by region: the south west and the south east each with their own agreements', async () => {
      const { benefits: rows } = await benefits('by=region');
      const sw = rows.find((r) => r.region === 'south-west');
      const se = rows.find((r) => r.region === 'south-east');
      expect(sw).toMatchObject({
        attributed: { savings: { realised: pence(3_000_000) } },
        wholeAgreement: { savings: { forecast: pence(25_000_000), realised: pence(8_500_000) } },
      });
      expect(se?.wholeAgreement.savings).toEqual({ forecast: pence(100_000), realised: pence(80_000) });
    });

    test('by year: the programme range is its own row; a year filter counts entries whose period includes it', async () => {
      const { benefits: rows } = await benefits('by=year&agreementId=sw-programme');
      expect(rows.map((r) => r.period)).toEqual([
        PROGRAMME,
        { from: '2016-17', to: '2016-17' },
        { from: '2018-19', to: '2018-19' },
      ]);
      expect(rows[2]?.wholeAgreement.costs.realised).toEqual(pence(100_000));
      expect(rows[2]?.wholeAgreement.net.realised).toEqual(pence(-100_000));
      expect(rows[2]?.wholeAgreement.net.realised.formatted).toBe('-£100,000.00');

      const year = await benefits('by=agreement&financialYear=2016-17');
      const sw = year.benefits.find((r) => r.agreementId === 'sw-programme');
      expect(sw?.wholeAgreement.savings.realised).toEqual(pence(8_500_000));
      expect(sw?.wholeAgreement.costs.realised).toEqual(pence(400_000));
      expect(year.benefits.find((r) => r.agreementId === 'hampshire-tvp')).toBeUndefined();
    });

    describe('paged like every list: limit rows, then next over the group key, null on the last page', () => {
      const keyOf = (row: Row) => JSON.stringify([row.agreementId, row.force, row.region, row.period]);
      test.each(['agreement', 'force', 'region', 'year'])('by %s', async (by) => {
        const whole = await benefits(`by=${by}`);
        expect(whole.next).toBeNull();
        expect(whole.benefits.length).toBeGreaterThanOrEqual(2);
        const limit = Math.ceil(whole.benefits.length / 2);
        const first = await benefits(`by=${by}&limit=${limit}`);
        expect(first.benefits).toHaveLength(limit);
        expect(first.next).toEqual(expect.any(String));
        const second = await benefits(`by=${by}&limit=${limit}&cursor=${first.next}`);
        expect(second.next).toBeNull();
        const paged = [...first.benefits, ...second.benefits];
        expect(new Set(paged.map(keyOf)).size).toBe(paged.length);
        expect(paged).toEqual(whole.benefits);
      });

      test('a limit of exactly the list answers next null', async () => {
        const whole = await benefits('by=force');
        const page = await benefits(`by=force&limit=${whole.benefits.length}`);
        expect(page).toEqual(whole);
      });

      test.each([
        ['not a cursor', 'agreement', 'not*a*cursor'],
        [
          'a cursor of the wrong shape for a view',
          'year',
          Buffer.from('{"after":["sw-programme"]}').toString('base64url'),
        ],
        ['a force cursor that is no slug', 'force', Buffer.from('{"after":["Not A Slug"]}').toString('base64url')],
        ['a region cursor that is no region', 'region', Buffer.from('{"after":["atlantis"]}').toString('base64url')],
        [
          'a period cursor that is no year',
          'year',
          Buffer.from('{"after":["2014-15","2017-19"]}').toString('base64url'),
        ],
      ])('%s is a 400 naming cursor', async (_what, by, cursor) => {
        const res = await api.admin.get(`/benefits?by=${by}&cursor=${cursor}`);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(problemOf(res).errors).toEqual([expect.objectContaining({ field: 'cursor', rule: 'isPageCursor' })]);
      });

      test('a limit out of range is a 400 naming limit', async () => {
        const res = await api.admin.get('/benefits?limit=0');
        expect(res.status).toBe(400);
        expect(problemOf(res).errors).toEqual([expect.objectContaining({ field: 'limit' })]);
      });
    });

    describe('bad input is a 400 naming the field and the rule', () => {
      const base = { id: 'bad', kind: 'saving', status: 'forecast', amountPence: 100, financialYear: '2017-18' };
      test.each([
        ['negative pence', { amountPence: -1 }, 'amountPence', 'min'],
        ['amounts past 2^53', { amountPence: 2 ** 53 }, 'amountPence', 'max'],
        ['fractions of a penny', { amountPence: 1.5 }, 'amountPence', 'isInt'],
        ['a year like 2017-19', { financialYear: '2017-19' }, 'financialYear', 'isFinancialYear'],
        [
          'a range ending in a year like 2017-19',
          { financialYear: undefined, period: { from: '2014-15', to: '2017-19' } },
          'period.to',
          'isFinancialYear',
        ],
        ['a party not in the agreement', { attributedTo: 'thames-valley' }, 'attributedTo', 'isPartyOfAgreement'],
        ['an unknown kind', { kind: 'income' }, 'kind', 'isIn'],
      ])('%s', async (_what, fields, field, rule) => {
        const res = await post('/agreements/sw-programme/benefits', { ...base, ...fields });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(problemOf(res).errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      });

      test('a period that ended before the agreement was drafted is refused (422 naming the field)', async () => {
        const res = await post('/agreements/sw-programme/benefits', { ...base, financialYear: '2012-13' });
        expect(res.status).toBe(422);
        expect(problemOf(res)).toMatchObject({
          code: 'period-before-draft',
          errors: [expect.objectContaining({ field: 'financialYear', rule: 'period-before-draft' })],
        });
      });

      test('a by the reports do not have, and a malformed year filter', async () => {
        const by = await api.admin.get('/benefits?by=party');
        expect(by.status).toBe(400);
        expect(problemOf(by).errors).toEqual([expect.objectContaining({ field: 'by' })]);
        const year = await api.admin.get('/benefits?financialYear=2017-19');
        expect(year.status).toBe(400);
        expect(problemOf(year).errors).toEqual([
          expect.objectContaining({ field: 'financialYear', rule: 'isFinancialYear' }),
        ]);
      });

      test('an entry for an agreement that does not exist is a 404', async () => {
        const res = await post('/agreements/no-such-agreement/benefits', base);
        expect(res.status).toBe(404);
        expect(problemOf(res).code).toBe('agreement-not-found');
      });
    });
  });
}
