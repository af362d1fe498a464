import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * Decision provenance (issue 16): a decision records who made it (the board, a PCC, a chief officer, another
 * body), under what authority (the decision notice), which parties approved it and the variation it relates to;
 * GET /decisions shows it, and bad provenance is a 400/422 naming the field.
 */

interface DecisionsBody {
  decisions: {
    decisionId: string;
    madeBy: { kind: string; bodyId: string | null; name: string | null } | null;
    decisionNotice: { number: string; url: string | null } | null;
    approvedBy: string[];
    variationId: string | null;
  }[];
}

for (const driver of testDrivers) {
  driver.describe(`decision provenance on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const post = (path: string, body: object) => api.admin.post(path).send(body);
    const ok = async (path: string, body: object) => {
      const res = await post(path, body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
    };

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url
          ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'decision-provenance-test-secret-32-bytes' }
          : {},
        { now: '2016-06-30T09:00:00.000Z' },
      );
      await ok('/agreements', {
        id: 'hampshire-tvp-bilateral',
        title: 'Hampshire/Thames Valley Bi-lateral Collaboration',
        legalBasis: 's22A',
        businessArea: 'roads policing',
        deliveryModel: 'joint-unit',
        parties: ['hampshire', 'thames-valley'],
        occurredAt: '2012-01-10',
      });
      await ok('/boards', {
        id: 'hampshire-tvp',
        name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
        agreements: ['hampshire-tvp-bilateral'],
        chair: 'Police and Crime Commissioner for Thames Valley',
        maxDaysBetweenMeetings: 92,
        quorum: 2,
        occurredAt: '2015-04-01',
      });
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('a PCC decision under a notice, approved by both parties, about a variation; a board one by default', async () => {
      await ok('/agreements/hampshire-tvp-bilateral/variations', {
        variationId: 'roads-2015',
        summary: 'Roads policing joins the unit',
        proposedTerms: { purpose: 'Joint roads policing', deliveryModel: 'joint-unit' },
        occurredAt: '2015-06-01',
      });
      await ok('/decisions', {
        id: 'pcc-2015-017',
        summary: 'Approve the joint roads policing unit',
        agreementId: 'hampshire-tvp-bilateral',
        madeBy: { kind: 'pcc', bodyId: 'thames-valley' },
        decisionNotice: { number: 'PCC 2015/017', url: 'https://www.example.gov.uk/decisions/2015-017' },
        approvedBy: ['thames-valley', 'hampshire'],
        variationId: 'roads-2015',
        occurredAt: '2015-07-01',
      });
      await ok('/decisions', {
        id: 'board-2015-q1',
        summary: 'Review the estates strategy',
        boardId: 'hampshire-tvp',
        occurredAt: '2015-07-02',
      });
      const listed = bodyOf<DecisionsBody>(await api.admin.get(`/decisions?minPosition=${last}`)).decisions;
      expect(listed.find((d) => d.decisionId === 'pcc-2015-017')).toMatchObject({
        madeBy: { kind: 'pcc', bodyId: 'thames-valley', name: 'Thames Valley Police and Crime Commissioner' },
        decisionNotice: { number: 'PCC 2015/017', url: 'https://www.example.gov.uk/decisions/2015-017' },
        approvedBy: ['thames-valley', 'hampshire'],
        variationId: 'roads-2015',
      });
      expect(listed.find((d) => d.decisionId === 'board-2015-q1')).toMatchObject({
        madeBy: { kind: 'board', bodyId: null, name: null },
        decisionNotice: null,
        approvedBy: [],
        variationId: null,
      });
    });

    test('bad provenance names the field and writes nothing', async () => {
      const base = { summary: 'S', agreementId: 'hampshire-tvp-bilateral', occurredAt: '2015-07-01' };
      for (const [id, extra, field, status] of [
        ['d1', { madeBy: { kind: 'pcc', bodyId: 'thames-valley' }, occurredAt: '2010-01-01' }, 'madeBy.kind', 422],
        ['d2', { madeBy: { kind: 'chief-officer' } }, 'madeBy.bodyId', 422],
        ['d3', { madeBy: { kind: 'emperor' } }, 'madeBy.kind', 400],
        ['d4', { approvedBy: ['dorset'] }, 'approvedBy[0]', 422],
        ['d5', { decisionNotice: { number: 'PCC 1', url: 'javascript:alert(1)' } }, 'decisionNotice.url', 422],
        ['d6', { madeBy: { kind: 'pcc', bodyId: '__proto__' } }, 'madeBy.bodyId', 400],
      ] as const) {
        const res = await post('/decisions', { ...base, id, ...extra });
        expect({ id, status: res.status }).toEqual({ id, status });
        expect(JSON.stringify(problemOf(res))).toContain(field);
      }
      const ids = bodyOf<DecisionsBody>(await api.admin.get(`/decisions?minPosition=${last}`)).decisions.map(
        (d) => d.decisionId,
      );
      expect(ids.filter((id) => /^d\d$/.test(id))).toEqual([]);
    });
  });
}
