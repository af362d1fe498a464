import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * "What did the record say then" (transaction time) for a board's compliance and a force's governance statement.
 * A board's 2015-16 year is recorded on 10 April 2016 with the December meeting's outcome missing (amber); on
 * 20 May 2016 a cancellation of that meeting, dated 10 December 2015, is recorded late (red: cancelled and not
 * rearranged). Asked with knownAt before the late entry, both answer what the record said on 10 April; after it,
 * what it says now.
 */

interface Compliance {
  boardId: string;
  status: string;
  counts: Record<string, number>;
  reasons: string[];
  replay?: { asOf: string; knownAt: string; eventsConsidered: number; lastRecordedAt: string | null };
}

interface Statement {
  knownAt: string | null;
  status: string;
  agreements: { agreementId: string; boardIds: string[] }[];
  boards: Compliance[];
  alerts: { alertId: string; rule: string; subject: { meetingId: string | null }; status: string }[];
  findings: string[];
}

const FIRST_RECORDED = '2016-04-10T09:00:00.000Z';
const LATE_RECORDED = '2016-05-20T09:00:00.000Z';

for (const driver of testDrivers) {
  driver.describe(`knownAt on board compliance and the governance statement on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const post = async (path: string, body: object) => {
      const res = await api.admin.post(path).send(body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
    };
    const compliance = (query: string) =>
      api.admin.get(`/boards/tvp-board/compliance?financialYear=2015-16&minPosition=${last}&${query}`);
    const statement = (query: string) =>
      api.admin.get(`/bodies/thames-valley/governance-statement?financialYear=2015-16&minPosition=${last}&${query}`);

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'known-at-test-secret-32-bytes-long!!' } : {},
        { now: FIRST_RECORDED },
      );
      await post('/agreements', {
        id: 'tvp-hampshire',
        title: 'Thames Valley/Hampshire Collaboration',
        legalBasis: 's22A',
        businessArea: 'ICT',
        deliveryModel: 'joint-unit',
        parties: ['thames-valley', 'hampshire'],
        occurredAt: '2012-01-10',
      });
      for (const party of ['thames-valley', 'hampshire']) {
        await post('/agreements/tvp-hampshire/signatures', {
          party,
          signedBy: 'Chief Constable',
          occurredAt: '2012-02-01',
        });
        await post('/agreements/tvp-hampshire/pcc-approvals', { party, occurredAt: '2012-02-15' });
      }
      await post('/agreements/tvp-hampshire/commencement', { occurredAt: '2012-04-01' });
      await post('/boards', {
        id: 'tvp-board',
        name: 'TVP/Hampshire Governance Board',
        agreements: ['tvp-hampshire'],
        chair: 'Police and Crime Commissioner for Thames Valley',
        maxDaysBetweenMeetings: 200,
        quorum: 2,
        occurredAt: '2015-04-01',
      });
      const attendees = [
        { name: 'PCC', body: 'thames-valley' },
        { name: 'PCC', body: 'hampshire' },
      ];
      for (const [q, date] of [
        ['q1', '2015-06-15'],
        ['q2', '2015-09-15'],
        ['q3', '2015-12-15'],
        ['q4', '2016-03-15'],
      ] as const) {
        await post('/boards/tvp-board/meetings', { meetingId: q, scheduledFor: date });
      }
      for (const [q, date] of [
        ['q1', '2015-06-15'],
        ['q2', '2015-09-15'],
        ['q4', '2016-03-15'],
      ] as const) {
        await post(`/boards/tvp-board/meetings/${q}/held`, { occurredAt: date, attendees });
      }
      // The background evaluator raises the December meeting's missing outcome; wait for it before the clock moves.
      const missing = 'meeting-outcome-missing--tvp-board--q3';
      for (let i = 0; i < 100 && (await api.admin.get(`/alerts/${missing}`)).status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // The late entry: the December meeting was cancelled, recorded five months on.
      api.clock.set(LATE_RECORDED);
      await post('/boards/tvp-board/meetings/q3/cancellation', {
        reason: 'Chair unavailable',
        occurredAt: '2015-12-10',
      });
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('compliance known before the late cancellation answers the old RAG and counts; after it, the new', async () => {
      const before = await compliance('knownAt=2016-04-30');
      expect(before.status).toBe(200);
      expect(bodyOf<Compliance>(before)).toMatchObject({
        status: 'amber',
        counts: { scheduled: 4, held: 3, cancelled: 0, cancelledNotRearranged: 0 },
        replay: { asOf: '2016-05-20', knownAt: '2016-04-30', eventsConsidered: 8, lastRecordedAt: FIRST_RECORDED },
      });

      const after = bodyOf<Compliance>(await compliance(`knownAt=${encodeURIComponent(LATE_RECORDED)}`));
      expect(after).toMatchObject({
        status: 'red',
        counts: { scheduled: 4, held: 3, cancelled: 1, cancelledNotRearranged: 1 },
        replay: { knownAt: LATE_RECORDED, eventsConsidered: 9, lastRecordedAt: LATE_RECORDED },
      });
      // One rule book: the replay of everything recorded answers exactly what the read model answers.
      const { replay: _replay, ...replayed } = after;
      expect(bodyOf<Compliance>(await compliance(''))).toEqual(replayed);
    });

    test('knownAt combines with asOf: the record of 30 April judged as the year stood on 31 December 2015', async () => {
      const res = bodyOf<Compliance>(await compliance('asOf=2015-12-31&knownAt=2016-04-30'));
      expect(res.replay).toMatchObject({ asOf: '2015-12-31', knownAt: '2016-04-30' });
      // Two weeks past the December meeting, within the grace days: no outcome yet counts as missing.
      expect(res.counts).toMatchObject({ held: 2, cancelled: 0 });
      const later = bodyOf<Compliance>(await compliance('asOf=2015-12-31&knownAt=2016-05-21'));
      expect(later.counts).toMatchObject({ held: 2, cancelled: 1, cancelledNotRearranged: 0 });
    });

    test('knownAt before the board was recorded is a 404 that says so', async () => {
      const res = await compliance('knownAt=2016-04-09');
      expect(res.status).toBe(404);
      expect(problemOf(res).detail).toBe('There is no board tvp-board known at 2016-04-09.');
      expect((await compliance('knownAt=2016-04-10T08:59:59Z')).status).toBe(404);
      expect((await compliance('knownAt=2016-04-10T09:00:00Z')).status).toBe(200);
    });

    test('a knownAt that is not a calendar date or ISO timestamp up to 9999 is a 400 naming knownAt', async () => {
      for (const bad of [
        '2016-02-30',
        '10000-01-01',
        'yesterday',
        '2016-04-30T25:00:00Z',
        '9999-12-31T23:30:00-01:00',
      ]) {
        for (const res of [
          await compliance(`knownAt=${encodeURIComponent(bad)}`),
          await statement(`knownAt=${encodeURIComponent(bad)}`),
        ]) {
          expect([bad, res.status]).toEqual([bad, 400]);
          expect(JSON.stringify(problemOf(res))).toContain('knownAt');
        }
      }
    });

    test('the governance statement as recorded before the late entry, and after it: JSON and CSV', async () => {
      // The compliance alerts are raised in the background: wait until the statement as it stands lists the late one.
      let now = bodyOf<Statement>(await statement(''));
      for (let i = 0; i < 100 && !now.alerts.some((a) => a.rule === 'meeting-cancelled-not-rearranged'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        now = bodyOf<Statement>(await statement(''));
      }
      expect(now).toMatchObject({ knownAt: null, status: 'red' });

      const before = bodyOf<Statement>(await statement('knownAt=2016-04-30'));
      expect(before.knownAt).toBe('2016-04-30');
      expect(before.status).toBe('amber');
      expect(before.agreements.map((a) => a.agreementId)).toEqual(['tvp-hampshire']);
      expect(before.boards[0]).toMatchObject({ boardId: 'tvp-board', status: 'amber', counts: { cancelled: 0 } });
      expect(before.boards[0]).not.toHaveProperty('replay');
      expect(before.findings.some((f) => f.includes('cancelled and not rearranged'))).toBe(false);
      expect(before.alerts.some((a) => a.rule === 'meeting-cancelled-not-rearranged')).toBe(false);
      const missingOf = (s: Statement) =>
        s.alerts.find((a) => a.rule === 'meeting-outcome-missing' && a.subject.meetingId === 'q3');
      expect(missingOf(before)?.status).toBe('open');

      const after = bodyOf<Statement>(await statement('knownAt=2016-05-20'));
      expect(after.status).toBe('red');
      expect(after.boards[0]?.counts).toMatchObject({ cancelled: 1, cancelledNotRearranged: 1 });
      expect(
        after.alerts.filter((a) => a.rule === 'meeting-cancelled-not-rearranged').map((a) => a.subject.meetingId),
      ).toEqual(['q3']);
      // Everything recorded by the end of today: the same statement as the read models give.
      expect({ ...after, knownAt: null }).toEqual(now);

      const csvBefore = await statement('knownAt=2016-04-30&format=csv');
      expect(csvBefore.headers['content-type']).toMatch(/^text\/csv/);
      expect(csvBefore.text).toContain(',tvp-board,TVP/Hampshire Governance Board,amber,4,3,3,0,0,');
      const csvAfter = await statement('knownAt=2016-05-20&format=csv');
      expect(csvAfter.text).toContain(',tvp-board,TVP/Hampshire Governance Board,red,4,3,3,1,1,');
      expect(csvAfter.text).toBe((await statement('format=csv')).text);
    });

    test('a statement known before anything was recorded is empty and green', async () => {
      const empty = bodyOf<Statement>(await statement('knownAt=2016-04-09'));
      expect(empty).toMatchObject({ knownAt: '2016-04-09', agreements: [], boards: [], alerts: [], status: 'green' });
    });

    test('collaborations known at a time: a membership recorded later is absent; asked after, present', async () => {
      api.clock.set('2016-06-01T09:00:00.000Z');
      await post('/agreements', {
        id: 'hampshire-surrey-dogs',
        title: 'Hampshire/Surrey Dogs',
        legalBasis: 's22A',
        businessArea: 'Dogs',
        deliveryModel: 'joint-unit',
        parties: ['hampshire', 'surrey'],
        occurredAt: '2014-01-10',
      });
      for (const party of ['hampshire', 'surrey']) {
        await post('/agreements/hampshire-surrey-dogs/signatures', {
          party,
          signedBy: 'Chief Constable',
          occurredAt: '2014-02-01',
        });
        await post('/agreements/hampshire-surrey-dogs/pcc-approvals', { party, occurredAt: '2014-02-15' });
      }
      await post('/agreements/hampshire-surrey-dogs/commencement', { occurredAt: '2014-04-01' });
      type Collaborations = { knownAt: string | null; collaborations: { agreementId: string }[]; next: string | null };
      const ids = async (query: string) => {
        const res = await api.admin.get(
          `/bodies/hampshire/collaborations?asOf=2016-01-01&minPosition=${last}&${query}`,
        );
        expect(res.status).toBe(200);
        return bodyOf<Collaborations>(res);
      };
      const before = await ids('knownAt=2016-05-31');
      expect(before.knownAt).toBe('2016-05-31');
      expect(before.collaborations.map((c) => c.agreementId)).toEqual(['tvp-hampshire']);
      const after = await ids('knownAt=2016-06-02');
      expect(after.collaborations.map((c) => c.agreementId)).toEqual(['hampshire-surrey-dogs', 'tvp-hampshire']);
      // The replay answers as the read model does, and pages the same way.
      expect((await ids('')).collaborations).toEqual(after.collaborations);
      const first = await ids('knownAt=2016-06-02&limit=1');
      expect(first.collaborations.map((c) => c.agreementId)).toEqual(['hampshire-surrey-dogs']);
      const second = await ids(`knownAt=2016-06-02&limit=1&cursor=${first.next}`);
      expect(second.collaborations.map((c) => c.agreementId)).toEqual(['tvp-hampshire']);
      expect(second.next).toBeNull();
      // The register as known then: the same agreement absent, the counts of the register of that time.
      type Register = { agreements: { agreementId: string }[]; counts: { total: number }; knownAt: string | null };
      const register = async (query: string) =>
        bodyOf<Register>(await api.admin.get(`/agreements?party=hampshire&minPosition=${last}&${query}`));
      const then = await register('knownAt=2016-05-31');
      expect([then.knownAt, then.agreements.map((a) => a.agreementId)]).toEqual(['2016-05-31', ['tvp-hampshire']]);
      const now = await register('');
      expect(now.agreements.map((a) => a.agreementId)).toEqual(['hampshire-surrey-dogs', 'tvp-hampshire']);
      expect(then.counts.total).toBe(now.counts.total - 1);
      expect((await register('knownAt=2016-06-02')).agreements).toEqual(now.agreements);
      const refused = await api.admin.get('/bodies/hampshire/collaborations?knownAt=10000-01-01');
      expect(refused.status).toBe(400);
      expect(problemOf(refused).errors).toEqual([expect.objectContaining({ field: 'knownAt' })]);
    });
  });
}
