import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { recordBoardYear } from '../support/hampshire-tvp-2015-16.js';
import { bodyOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * The governance statement of a force for a financial year (GET /bodies/:id/governance-statement): the
 * Hampshire/TVP bilateral board's 2015-16 year from seed 003, two meetings cancelled and never rearranged. The
 * statement must count and name them in the sentence the PCC's 2015/16 Annual Governance Statement carried, say
 * which agreement no board oversaw, and answer as the record stood on an earlier date.
 */

interface Statement {
  body: { id: string; policingBody: { name: string; kind: string } | null };
  financialYear: string;
  periodEnd: string;
  status: string;
  agreements: { agreementId: string; boardIds: string[]; pastReviewDate: boolean; savings: unknown }[];
  boards: { boardId: string; status: string; counts: Record<string, number>; reasons: string[] }[];
  alerts: { rule: string; subject: { meetingId: string | null }; status: string }[];
  agreementsWithoutBoard: string[];
  agreementsPastReviewDate: string[];
  findings: string[];
}

for (const driver of testDrivers) {
  driver.describe(`governance statement on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const post = async (path: string, body: object) => {
      const res = await api.admin.post(path).send(body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
    };
    const statement = (query: string) =>
      api.admin.get(`/bodies/thames-valley/governance-statement?minPosition=${last}&${query}`);

    async function inForce(id: string, title: string, parties: string[], extra: object = {}) {
      await post('/agreements', {
        id,
        title,
        legalBasis: 's22A',
        businessArea: 'ICT, firearms, dogs and roads policing',
        deliveryModel: 'joint-unit',
        parties,
        occurredAt: '2012-01-10',
        ...extra,
      });
      for (const party of parties) {
        await post(`/agreements/${id}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: '2012-02-01' });
        await post(`/agreements/${id}/pcc-approvals`, { party, occurredAt: '2012-02-15' });
      }
      await post(`/agreements/${id}/commencement`, { occurredAt: '2012-04-01' });
    }

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url
          ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'governance-statement-test-secret-32-bytes!' }
          : {},
        { now: '2016-06-30T09:00:00.000Z' },
      );
      await inForce('hampshire-tvp-bilateral', 'Hampshire/Thames Valley Bi-lateral Collaboration', [
        'hampshire',
        'thames-valley',
      ]);
      await inForce('tvp-chiltern-air', 'Chiltern Transport Consortium', ['thames-valley', 'hampshire'], {
        reviewDue: '2015-10-01',
      });
      await recordBoardYear(post, 'hampshire-tvp', 'hampshire-tvp-bilateral');
      await post('/agreements/hampshire-tvp-bilateral/savings', {
        financialYear: '2015-16',
        kind: 'forecast',
        amountGbp: 1_200_000,
      });
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('Thames Valley 2015-16: the cancelled-not-rearranged meetings counted and named, red, with the other findings', async () => {
      const res = await statement('financialYear=2015-16');
      expect(res.status).toBe(200);
      const s = bodyOf<Statement>(res);
      expect(s.financialYear).toBe('2015-16');
      expect(s.periodEnd).toBe('2016-03-31');
      expect(s.body.policingBody).toEqual({ name: 'Thames Valley Police and Crime Commissioner', kind: 'pcc' });
      expect(s.status).toBe('red');
      expect(s.agreements.map((a) => a.agreementId).sort()).toEqual(['hampshire-tvp-bilateral', 'tvp-chiltern-air']);
      const [board] = s.boards;
      expect(board?.boardId).toBe('hampshire-tvp');
      expect(board?.counts).toMatchObject({ scheduled: 4, held: 2, cancelled: 2, cancelledNotRearranged: 2 });
      expect(s.findings).toContain(
        '2 formal Hampshire/TVP Bi-lateral Collaboration Governance Board meetings were cancelled and not rearranged during 2015/16 (meetings of 15 September 2015 and 15 December 2015).',
      );
      expect(s.agreementsWithoutBoard).toEqual(['tvp-chiltern-air']);
      expect(s.agreementsPastReviewDate).toEqual(['tvp-chiltern-air']);
      expect(s.findings).toContain(
        '1 agreement in force during 2015/16 had no overseeing board: Chiltern Transport Consortium.',
      );
      // The compliance alerts are raised in the background: the statement lists them once they are.
      let alerts = s.alerts;
      for (let i = 0; i < 100 && alerts.filter((a) => a.rule === 'meeting-cancelled-not-rearranged').length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        alerts = bodyOf<Statement>(await statement('financialYear=2015-16')).alerts;
      }
      expect(
        alerts
          .filter((a) => a.rule === 'meeting-cancelled-not-rearranged')
          .map((a) => a.subject.meetingId)
          .sort(),
      ).toEqual(['2015-q2', '2015-q3']);
      expect(s.agreements.find((a) => a.agreementId === 'hampshire-tvp-bilateral')?.savings).toEqual({
        forecastPence: 120_000_000,
        realisedPence: 0,
      });
    });

    test('as it stood on earlier dates: one cancellation, first within its rearrangement time, then past it', async () => {
      const within = bodyOf<Statement>(await statement('financialYear=2015-16&asOf=2015-09-20'));
      expect(within.periodEnd).toBe('2015-09-20');
      expect(within.boards[0]?.counts).toMatchObject({ cancelled: 1, cancelledNotRearranged: 0 });
      expect(within.findings.some((f) => f.includes('cancelled and not rearranged'))).toBe(false);
      const past = bodyOf<Statement>(await statement('financialYear=2015-16&asOf=2015-11-01'));
      expect(past.boards[0]?.counts).toMatchObject({ cancelled: 1, cancelledNotRearranged: 1 });
      expect(past.findings).toContain(
        '1 formal Hampshire/TVP Bi-lateral Collaboration Governance Board meeting was cancelled and not rearranged during 2015/16 (meeting of 15 September 2015).',
      );
    });

    test('CSV by Accept header or format=csv: one row per agreement and board', async () => {
      const byHeader = await api.admin
        .get(`/bodies/thames-valley/governance-statement?financialYear=2015-16&minPosition=${last}`)
        .set('Accept', 'text/csv');
      expect(byHeader.status).toBe(200);
      expect(byHeader.headers['content-type']).toMatch(/^text\/csv/);
      const lines = byHeader.text.trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^agreementId,agreementTitle,/);
      expect(lines).toHaveLength(3);
      expect(lines.find((l) => l.startsWith('hampshire-tvp-bilateral,'))).toContain(',hampshire-tvp,');
      expect(lines.find((l) => l.startsWith('hampshire-tvp-bilateral,'))).toContain(',red,4,2,2,2,2,');
      const byFormat = await statement('financialYear=2015-16&format=csv');
      expect(byFormat.text).toBe(byHeader.text);
    });

    test('a year before any membership is empty and green; bad input is a 400 naming the field; unknown body 404', async () => {
      const empty = bodyOf<Statement>(await statement('financialYear=2005-06'));
      expect(empty).toMatchObject({ agreements: [], boards: [], findings: [], status: 'green' });
      expect(empty.body.policingBody?.kind).toBe('police-authority');
      for (const [query, field] of [
        ['financialYear=2015-17', 'financialYear'],
        ['financialYear=2015-16&asOf=10000-01-01', 'asOf'],
        ['format=xml', 'format'],
      ] as const) {
        const res = await statement(query);
        expect(res.status).toBe(400);
        expect(JSON.stringify(problemOf(res))).toContain(field);
      }
      expect((await api.admin.get('/bodies/constructor/governance-statement')).status).toBe(404);
      expect((await api.http.get('/bodies/thames-valley/governance-statement')).status).toBe(401);
    });

    // Last: it changes what the board oversees. The record before the change is the one known at the day before.
    test('boards by the oversight in effect during the year, dated when it changed within it; knownAt the record then', async () => {
      type Oversight = { agreementId: string; from: string | null; until: string | null };
      const before = api.clock.now().toISOString().slice(0, 10);
      api.clock.advanceDays(1);
      await post('/boards/hampshire-tvp/oversight', {
        agreementId: 'tvp-chiltern-air',
        change: 'added',
        occurredAt: '2015-10-01',
      });
      await post('/boards/hampshire-tvp/oversight', {
        agreementId: 'tvp-chiltern-air',
        change: 'removed',
        occurredAt: '2016-01-01',
      });
      const s = bodyOf<Statement & { boards: { oversight: Oversight[] }[] }>(await statement('financialYear=2015-16'));
      // Not overseen now, but it was for a quarter of 2015-16.
      expect(s.boards[0]?.oversight).toEqual([
        { agreementId: 'hampshire-tvp-bilateral', from: null, until: null },
        { agreementId: 'tvp-chiltern-air', from: '2015-10-01', until: '2016-01-01' },
      ]);
      expect(s.agreements.find((a) => a.agreementId === 'tvp-chiltern-air')?.boardIds).toEqual(['hampshire-tvp']);
      expect(s.agreementsWithoutBoard).toEqual([]);
      const later = bodyOf<Statement>(await statement('financialYear=2016-17'));
      expect(later.agreements.find((a) => a.agreementId === 'tvp-chiltern-air')?.boardIds).toEqual([]);
      const csv = (await statement('financialYear=2015-16&format=csv')).text.trimEnd().split('\r\n');
      expect(csv[0]).toMatch(/,realisedPence,overseenFrom,overseenUntil$/);
      expect(csv.find((l) => l.startsWith('tvp-chiltern-air,'))).toMatch(/,hampshire-tvp,.*,2015-10-01,2016-01-01$/);
      expect(csv.find((l) => l.startsWith('hampshire-tvp-bilateral,'))).toMatch(/,,$/);
      const then = bodyOf<Statement & { boards: { oversight: Oversight[] }[] }>(
        await statement(`financialYear=2015-16&knownAt=${before}`),
      );
      expect(then.boards[0]?.oversight).toEqual([{ agreementId: 'hampshire-tvp-bilateral', from: null, until: null }]);
      expect(then.agreementsWithoutBoard).toEqual(['tvp-chiltern-air']);
    });

    // Issue 15: a leaving known only to its month, beside a membership known to the day (the control).
    test('a membership whose leaving is known only to its month is not presented as a fact for the year it falls in', async () => {
      await inForce('south-east-roads', 'South East Roads Policing', ['kent', 'surrey', 'sussex']);
      await post('/agreements/south-east-roads/withdrawals', {
        party: 'sussex',
        occurredAt: '2016-04-01',
        datePrecision: 'month',
      });
      type Row = Statement['agreements'][number] & {
        memberUntil: string | null;
        memberFromPrecision: string;
        memberUntilPrecision: string | null;
        memberKnown: boolean;
        notKnownBecause: string | null;
        memberDuringYear: true | null;
      };
      const of = async (body: string, query: string) =>
        api.admin.get(`/bodies/${body}/governance-statement?minPosition=${last}&${query}`);
      const row = async (body: string, year: string) =>
        bodyOf<Statement & { agreements: Row[] }>(await of(body, `financialYear=${year}`)).agreements.find(
          (a) => a.agreementId === 'south-east-roads',
        );
      // The control: known to the day, every day of both years.
      for (const year of ['2015-16', '2016-17']) {
        expect(await row('kent', year)).toMatchObject({
          memberFrom: '2012-04-01',
          memberFromPrecision: 'day',
          memberUntil: null,
          memberUntilPrecision: null,
          memberKnown: true,
          notKnownBecause: null,
          memberDuringYear: true,
        });
      }
      // 2015-16 ends before April 2016: Sussex was surely a party every day of it.
      expect(await row('sussex', '2015-16')).toMatchObject({
        memberUntil: '2016-04-01',
        memberUntilPrecision: 'month',
        memberKnown: true,
        memberDuringYear: true,
      });
      // In 2016-17 it may have left on 1 April: not known, and not counted as an agreement it was party to.
      const sussex = bodyOf<Statement & { agreements: Row[] }>(await of('sussex', 'financialYear=2016-17'));
      expect(sussex.agreements.find((a) => a.agreementId === 'south-east-roads')).toMatchObject({
        memberKnown: false,
        memberDuringYear: null,
        notKnownBecause:
          'The record says only that the body left in April 2016: whether it was a member during 2016/17 is not known.',
      });
      expect(sussex.agreementsWithoutBoard).toEqual([]);
      expect(sussex.findings).toEqual([
        'The record cannot say whether the body was a party during 2016/17 to 1 agreement it dates only later or ' +
          'less exactly: South East Roads Policing.',
      ]);
      expect(bodyOf<Statement>(await of('kent', 'financialYear=2016-17')).agreementsWithoutBoard).toEqual([
        'south-east-roads',
      ]);
      // The CSV says the same.
      const csv = (await of('sussex', 'financialYear=2016-17&format=csv')).text.trimEnd().split('\r\n');
      expect(csv[0]).toMatch(
        /^agreementId,agreementTitle,legalBasis,memberFrom,memberUntil,memberFromPrecision,memberUntilPrecision,memberKnown,notKnownBecause,reviewDue,/,
      );
      expect(csv.find((l) => l.startsWith('south-east-roads,'))).toContain(
        ',2012-04-01,2016-04-01,day,month,false,The record says only that the body left in April 2016: whether it ' +
          'was a member during 2016/17 is not known.,',
      );
      const kentCsv = (await of('kent', 'financialYear=2016-17&format=csv')).text;
      expect(kentCsv).toContain('south-east-roads,South East Roads Policing,s22A,2012-04-01,,day,,true,,');
    });
  });
}
