import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { findReferenceBody } from '#domain';
import type { Position, SqlDatabase, SqlEventStore } from '#event-store';
import {
  READ_MODEL_PROJECTIONS,
  ProjectionRunner,
  ProjectionStatus,
  agreementAsOf,
  collaborationsOf,
  countAgreementsByStatus,
  getAgreementDetail,
  getBoardCompliance,
  listAgreements,
  listBoardMeetings,
  listBoards,
  listDecisions,
  membershipOf,
  rebuildProjection,
  rebuildProjections,
  savingsByAgreement,
  savingsByRegion,
  savingsByYear,
  benefitsByAgreement,
  benefitsByForce,
  silentLogger,
  supersededByOf,
  getPublication,
  publicRegisterOf,
} from '#projections';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { Story } from './story.js';
import { dumpReadModels, openStore } from './support.js';

const ids = (rows: { agreementId: string }[]) => rows.map((r) => r.agreementId);

interface World {
  database: TestDatabase;
  db: SqlDatabase;
  store: SqlEventStore;
  story: Story;
  runner: ProjectionRunner;
  status: ProjectionStatus;
}

async function world(driver: (typeof testDrivers)[number]): Promise<World> {
  const database = await driver.create();
  const story = new Story();
  const store = await openStore(database.db, story.clock);
  story.attach(store);
  const runner = new ProjectionRunner(database.db, store, READ_MODEL_PROJECTIONS, { logger: silentLogger });
  await runner.start();
  const status = new ProjectionStatus(database.db, store, READ_MODEL_PROJECTIONS, runner);
  return { database, db: database.db, store, story, runner, status };
}

async function endWorld(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.status.close();
  await w.runner.stop();
  await w.store.close();
  await w.database.dispose();
}

for (const driver of testDrivers) {
  driver.describe(`read models on ${driver.name}`, () => {
    let w: World;

    beforeAll(async () => {
      w = await world(driver);
      await w.story.agreements();
      await w.story.board2015();
      await w.story.benefits();
      await w.story.publications();
      await w.status.waitForPosition(w.story.last as Position, { timeoutMs: 20_000 });
    });
    afterAll(() => endWorld(w));

    describe('agreement register', () => {
      test('lists every agreement with its current parties, host force, status and dates', async () => {
        const register = await listAgreements(w.db);
        expect(ids(register)).toEqual(['hants-tvp-ict', 'hants-fire-estates', 'se-rocu']);
        expect(register.find((r) => r.agreementId === 'se-rocu')).toEqual({
          agreementId: 'se-rocu',
          title: 'South East Regional Organised Crime Unit',
          legalBasis: 's22A',
          scope: 'regional',
          businessArea: 'Serious and Organised Crime',
          deliveryModel: 'host-force',
          status: 'in-force',
          hostForce: 'hampshire',
          parentId: null,
          reviewDue: '2017-03-31',
          parties: [
            // An event written before capacities were recorded reads as not recorded (null).
            { id: 'hampshire', name: 'Hampshire and Isle of Wight Constabulary', capacity: null },
            { id: 'thames-valley', name: expect.any(String), capacity: null },
            { id: 'sussex', name: expect.any(String), capacity: null },
            { id: 'kent', name: expect.any(String), capacity: null },
          ],
          draftedAt: '2014-01-10T10:00:00.000Z',
          inForceAt: '2014-04-01T10:00:00.000Z',
          inForcePrecision: 'day',
          inForceSentence: 'in force on 1 April 2014',
          terminatedAt: null,
        });
      });

      test('filters by party, status, area (any case, part of it), legal basis and host force', async () => {
        expect(ids(await listAgreements(w.db, { party: 'kent' }))).toEqual(['se-rocu']);
        expect(ids(await listAgreements(w.db, { party: 'surrey' }))).toEqual([]);
        expect(ids(await listAgreements(w.db, { party: 'hampshire', status: 'in-force' }))).toEqual(['se-rocu']);
        expect(ids(await listAgreements(w.db, { status: 'terminated' }))).toEqual(['hants-fire-estates']);
        expect(ids(await listAgreements(w.db, { area: 'ORGANISED' }))).toEqual(['se-rocu']);
        expect(ids(await listAgreements(w.db, { area: '%' }))).toEqual([]);
        expect(ids(await listAgreements(w.db, { legalBasis: 'mou' }))).toEqual(['hants-tvp-ict']);
        expect(ids(await listAgreements(w.db, { hostForce: 'hampshire' }))).toEqual(['se-rocu']);
      });

      test('counts agreements by status', async () => {
        expect(await countAgreementsByStatus(w.db)).toEqual({ drafted: 1, 'in-force': 1, terminated: 1, total: 3 });
      });
    });

    test('agreement detail: parties with join, notice and withdrawal dates, host history, signatures, approvals, variations, reviews, savings', async () => {
      const detail = await getAgreementDetail(w.db, 'se-rocu');
      expect(detail).toMatchObject({
        status: 'in-force',
        draftedOn: '2014-01-10',
        inForceFrom: '2014-04-01',
        hostForce: 'hampshire',
        hostForceHistory: [
          { hostForce: 'thames-valley', from: '2014-01-10', until: '2015-01-05' },
          { hostForce: 'hampshire', from: '2015-01-05', until: null },
        ],
        variations: [{ summary: 'Cyber crime unit added', variedOn: '2014-09-01', recordedBy: 'officer@hampshire' }],
        reviews: [{ outcome: 'Continue', reviewedOn: '2016-03-15', nextReviewDue: '2017-03-31' }],
        savings: [
          { financialYear: '2015-16', forecastPence: 900_000_00, realisedPence: 800_000_00 },
          { financialYear: '2016-17', forecastPence: 1_200_000_00, realisedPence: null },
        ],
      });
      expect(detail?.signatures).toHaveLength(4);
      expect(detail?.approvals[0]).toEqual({
        party: 'hampshire',
        policingBody: expect.objectContaining({ kind: 'pcc' }),
        approvedOn: '2014-03-10',
        precision: 'day',
      });
      const surrey = detail?.parties.find((p) => p.id === 'surrey');
      expect(surrey).toMatchObject({
        how: 'original',
        addedOn: '2014-01-10',
        signedOn: '2014-03-03',
        approvedOn: '2014-03-10',
        noticeGivenOn: '2015-07-01',
        noticeEffectiveOn: '2015-12-31',
        withdrewOn: '2015-12-31',
        withdrawalReason: 'Joined the Surrey and Sussex partnership',
        current: false,
      });
      expect(detail?.parties.find((p) => p.id === 'kent')).toMatchObject({
        how: 'joined',
        addedOn: '2015-06-01',
        current: true,
      });
      expect(await getAgreementDetail(w.db, 'nope')).toBeNull();
    });

    test('membership intervals answer which agreements a body belonged to on a date', async () => {
      const on = async (bodyId: string, asOf: string) => ids(await collaborationsOf(w.db, bodyId, { asOf }));
      // Original parties belong from commencement, not from the draft.
      expect(await on('hampshire', '2014-03-31')).toEqual([]);
      expect(await on('hampshire', '2014-04-01')).toEqual(['se-rocu']);
      expect(await on('hampshire', '2015-06-01')).toEqual(['hants-fire-estates', 'se-rocu']);
      // Terminated on 31 January 2016: not a member that day.
      expect(await on('hampshire', '2016-01-31')).toEqual(['se-rocu']);
      expect(await on('kent', '2015-05-31')).toEqual([]);
      expect(await on('kent', '2015-06-01')).toEqual(['se-rocu']);
      expect(await on('surrey', '2015-12-30')).toEqual(['se-rocu']);
      expect(await on('surrey', '2015-12-31')).toEqual([]);
      expect((await collaborationsOf(w.db, 'surrey', { asOf: '2015-07-01' }))[0]).toEqual({
        agreementId: 'se-rocu',
        title: 'South East Regional Organised Crime Unit',
        legalBasis: 's22A',
        scope: 'regional',
        businessArea: 'Serious and Organised Crime',
        memberFrom: '2014-04-01',
        memberUntil: '2015-12-31',
        // A day-precision membership is known from its day (issue 15).
        memberFromPrecision: 'day',
        memberPossibleFrom: '2014-04-01',
        memberKnownFrom: '2014-04-01',
        memberFromSentence: 'became a member on 1 April 2014',
        memberUntilPrecision: 'day',
        memberLeftBy: '2015-12-31',
        memberUntilSentence: 'left on 31 December 2015',
        member: true,
        memberKnown: true,
        notKnownBecause: null,
        // se-rocu's events predate capacities: not recorded.
        capacity: null,
        capacityText: 'not recorded',
      });
      expect(await membershipOf(w.db, 'se-rocu')).toHaveLength(5);
      // The estates agreement records Hampshire's capacity (issue 15 item 7); the fire authority has none.
      const hampshire = await collaborationsOf(w.db, 'hampshire', { asOf: '2015-06-01' });
      expect(hampshire.find((c) => c.agreementId === 'hants-fire-estates')).toMatchObject({
        capacity: 'chief-officer-and-policing-body',
        capacityText: 'chief officer and policing body',
      });
      const fire = await collaborationsOf(w.db, 'hampshire-fire', { asOf: '2015-06-01' });
      expect(fire).toMatchObject([{ agreementId: 'hants-fire-estates', capacity: null, capacityText: 'not recorded' }]);
    });

    describe('publication (s23E)', () => {
      test('the public register shows what is published, an exempt one by title and purpose, and no withdrawn one', async () => {
        expect(await publicRegisterOf(w.db, 'hampshire')).toEqual([
          {
            details: 'limited',
            agreementId: 'hants-tvp-ict',
            title: 'Hampshire and Thames Valley ICT',
            purpose: 'ICT',
            publishedOn: '2015-05-03',
          },
          expect.objectContaining({
            details: 'full',
            agreementId: 'se-rocu',
            signedOn: '2014-03-03',
            inForceFrom: '2014-04-01',
            documentUrl: 'https://www.hampshire-pcc.gov.uk/se-rocu.pdf',
          }),
        ]);
        // Surrey withdrew from se-rocu: it was a party, so the register of what it was party to lists it.
        expect((await publicRegisterOf(w.db, 'surrey')).map((e) => e.agreementId)).toEqual(['se-rocu']);
        expect(await getPublication(w.db, 'hants-fire-estates')).toMatchObject({
          status: 'withdrawn',
          reference: 'HFRA/2015/1',
          withdrawalReason: 'Ended',
        });
        expect((await getPublication(w.db, 'hants-tvp-ict'))?.exemption).toEqual({
          ground: 'security',
          reason: 'Names the network architecture',
          markedOn: '2015-05-02',
        });
      });
    });

    describe('board compliance', () => {
      test('a board with two meetings cancelled and not rearranged in 2015-16 is red, with those reasons', async () => {
        const compliance = await getBoardCompliance(w.db, 'hants-tvp', {
          financialYear: '2015-16',
          asOf: '2016-04-30',
        });
        expect(compliance).toMatchObject({
          name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
          periodStart: '2015-04-01',
          periodEnd: '2016-03-31',
          counts: { scheduled: 5, held: 3, quorate: 2, cancelled: 3, cancelledNotRearranged: 2 },
          longestGap: { days: 230, from: '2015-04-15', to: '2015-12-01' },
          status: 'red',
        });
        expect(compliance?.reasons).toEqual([
          'The meeting due on 15 July 2015 (2015-q2) was cancelled on 10 July 2015 and not rearranged within 28 days.',
          'The meeting due on 14 October 2015 (2015-q3) was cancelled on 1 October 2015 and not rearranged within 28 days.',
          'No meeting was held for 230 days, from 15 April 2015 to 1 December 2015: the terms of reference allow at most 92.',
          'The meeting held on 13 January 2016 (2016-q4) was not quorate (quorum 2).',
        ]);
        expect(compliance?.cancellations.find((c) => c.meetingId === '2015-extra')).toMatchObject({
          rearrangedOn: '2015-11-25',
          rearrangedTo: '2015-12-01',
          notRearranged: false,
        });
      });

      test('as of an earlier date it judges only what had happened by then', async () => {
        const compliance = await getBoardCompliance(w.db, 'hants-tvp', {
          financialYear: '2015-16',
          asOf: '2015-08-01',
        });
        // The July cancellation still had until 7 August to be rearranged; October's had not happened.
        expect(compliance?.counts).toEqual({
          scheduled: 5,
          held: 1,
          quorate: 1,
          cancelled: 1,
          cancelledNotRearranged: 0,
        });
        expect(compliance?.periodEnd).toBe('2015-08-01');
        expect(compliance?.longestGap).toEqual({ days: 108, from: '2015-04-15', to: '2015-08-01' });
        expect(compliance?.status).toBe('red');
        expect(compliance?.reasons).toEqual([
          'No meeting was held for 108 days, from 15 April 2015 to 1 August 2015: the terms of reference allow at most 92.',
        ]);
      });

      test('lists boards and meetings; unknown board is null; a bad financial year is refused', async () => {
        expect((await listBoards(w.db, { agreementId: 'hants-tvp-ict' })).map((b) => b.boardId)).toEqual(['hants-tvp']);
        const meetings = await listBoardMeetings(w.db, 'hants-tvp');
        expect(meetings.map((m) => [m.meetingId, m.status, m.scheduledFor])).toEqual([
          ['2015-q1', 'held', '2015-04-15'],
          ['2015-q2', 'cancelled', '2015-07-15'],
          ['2015-q3', 'cancelled', '2015-10-14'],
          ['2015-extra', 'held', '2015-12-01'],
          ['2016-q4', 'held', '2016-01-13'],
        ]);
        expect(meetings[3]).toMatchObject({ cancelledOn: '2015-11-10', rearrangedTo: '2015-12-01', quorate: true });
        expect(await getBoardCompliance(w.db, 'nope', { financialYear: '2015-16', asOf: '2016-04-30' })).toBeNull();
        await expect(
          getBoardCompliance(w.db, 'hants-tvp', { financialYear: '2015/16', asOf: '2016-04-30' }),
        ).rejects.toMatchObject({
          code: 'invalid-financial-year',
        });
      });
    });

    test('decisions log by board, meeting and agreement', async () => {
      expect((await listDecisions(w.db, { boardId: 'hants-tvp' })).map((d) => d.decisionId)).toEqual(['d2', 'd1']);
      expect((await listDecisions(w.db, { meetingId: '2016-q4' })).map((d) => d.decisionId)).toEqual(['d1']);
      expect(await listDecisions(w.db, { agreementId: 'hants-tvp-ict' })).toEqual([
        {
          decisionId: 'd1',
          summary: 'Extend the ICT memorandum for a year',
          boardId: 'hants-tvp',
          meetingId: '2016-q4',
          agreementId: 'hants-tvp-ict',
          // A version 1 decision (the story writes them as release 0.1.0 did), upcast: made by its board.
          madeBy: { kind: 'board', bodyId: null, name: null },
          decisionNotice: null,
          approvedBy: [],
          variationId: null,
          decidedOn: '2016-01-13',
          recordedAt: '2016-04-20T09:00:00.000Z',
          recordedBy: 'officer@hampshire',
        },
      ]);
    });

    test('savings by agreement, by year and by region of the parties', async () => {
      expect(await savingsByAgreement(w.db, { financialYear: '2015-16' })).toEqual([
        {
          agreementId: 'hants-fire-estates',
          title: 'Shared Estates with Fire',
          financialYear: '2015-16',
          forecastPence: 0,
          realisedPence: 50_000_00,
        },
        {
          agreementId: 'se-rocu',
          title: 'South East Regional Organised Crime Unit',
          financialYear: '2015-16',
          forecastPence: 900_000_00,
          realisedPence: 800_000_00,
        },
      ]);
      expect(await savingsByYear(w.db)).toEqual([
        { financialYear: '2015-16', forecastPence: 900_000_00, realisedPence: 850_000_00, agreements: 2 },
        { financialYear: '2016-17', forecastPence: 1_200_000_00, realisedPence: 0, agreements: 1 },
      ]);
      expect(await savingsByRegion(w.db, { financialYear: '2015-16' })).toEqual([
        { region: 'other', forecastPence: 0, realisedPence: 50_000_00, agreements: 1 },
        { region: 'south-east', forecastPence: 900_000_00, realisedPence: 850_000_00, agreements: 2 },
      ]);
    });

    test('benefits: the ledger with the correction, release 0.1 savings as saving entries, shares kept apart', async () => {
      const [rocu] = await benefitsByAgreement(w.db, { agreementId: 'se-rocu' });
      // Savings figures: 2015-16 forecast £900,000 (the later figure), realised £800,000; 2016-17 forecast £1.2m.
      expect(rocu?.wholeAgreement.savings.forecast.pence).toBe(2_100_000_00);
      expect(rocu?.wholeAgreement.savings.realised).toEqual({ pence: 1_250_000_00, formatted: '£1,250,000.00' });
      expect(rocu?.wholeAgreement.costs.forecast.pence).toBe(100_000_00);
      expect(rocu?.wholeAgreement.net.forecast.pence).toBe(2_000_000_00);
      expect(rocu?.wholeAgreement.nonCash.map((e) => e.description)).toEqual(['Fewer handovers']);
      expect(rocu?.attributed.savings.realised.pence).toBe(40_000_00);
      expect(rocu?.ledger.find((e) => e.entryId === 'programme')?.supersededBy).toBe('programme-2');
      const kent = await benefitsByForce(w.db, { force: 'kent' });
      expect(kent.map((r) => [r.force, r.attributed.savings.realised.pence])).toEqual([['kent', 40_000_00]]);
    });

    test('every read model rebuilt from the log equals the one built live', async () => {
      const live = await dumpReadModels(w.db);
      expect(Object.values(live).every((rows) => rows.length > 0)).toBe(true);
      for (const projection of READ_MODEL_PROJECTIONS) await rebuildProjection(w.db, w.store, projection);
      expect(await dumpReadModels(w.db)).toEqual(live);
    });

    test('batched application (applyBatch) leaves every read model exactly as applying event by event does, whatever the batch size', async () => {
      const eventByEvent = READ_MODEL_PROJECTIONS.map((projection) => ({ ...projection, applyBatch: undefined }));
      for (const projection of eventByEvent) await rebuildProjection(w.db, w.store, projection, { batchSize: 50 });
      const expected = await dumpReadModels(w.db);
      expect(Object.values(expected).every((rows) => rows.length > 0)).toBe(true);
      expect(READ_MODEL_PROJECTIONS.every((projection) => typeof projection.applyBatch === 'function')).toBe(true);
      // 1: every event alone; 3 and 17: batches that cut through streams; 5000: the whole log in one batch.
      for (const batchSize of [1, 3, 17, 5000]) {
        await rebuildProjections(w.db, w.store, READ_MODEL_PROJECTIONS, { batchSize });
        expect(await dumpReadModels(w.db)).toEqual(expected);
      }
    });
  });

  driver.describe(`bitemporal agreement on ${driver.name}`, () => {
    let w: World;
    beforeAll(async () => {
      w = await world(driver);
    });
    afterAll(() => endWorld(w));

    test('a late entry changes as-of answers about the past, but not what the record said before it was recorded', async () => {
      const { story } = w;
      story.now = new Date('2016-01-05T12:00:00Z');
      await story.agreements();
      // Recorded on 10 March 2016: Sussex withdrew on 15 February 2016.
      story.now = new Date('2016-03-10T12:00:00Z');
      await story.agreement('se-rocu').record('ForceWithdrew', '2016-02-15', { party: 'sussex', reason: null });
      await w.status.waitForPosition(story.last as Position);

      const members = (answer: Awaited<ReturnType<typeof agreementAsOf>>) =>
        answer?.parties.filter((p) => p.current).map((p) => p.id);
      // The world on 20 February, as we know it now: Sussex had left.
      expect(members(await agreementAsOf(w.store, 'se-rocu', { asOf: '2016-02-20' }))).toEqual([
        'hampshire',
        'thames-valley',
        'kent',
      ]);
      // The same date as the record stood on 5 March: Sussex was still shown as a party.
      expect(members(await agreementAsOf(w.store, 'se-rocu', { asOf: '2016-02-20', knownAt: '2016-03-05' }))).toEqual([
        'hampshire',
        'thames-valley',
        'sussex',
        'kent',
      ]);
      // Before the withdrawal happened, both agree.
      expect(members(await agreementAsOf(w.store, 'se-rocu', { asOf: '2016-02-14' }))).toContain('sussex');
      // In valid-time order: a date before commencement shows the draft; before drafting, nothing.
      expect((await agreementAsOf(w.store, 'se-rocu', { asOf: '2014-03-31' }))?.status).toBe('drafted');
      expect(await agreementAsOf(w.store, 'se-rocu', { asOf: '2013-12-31' })).toBeNull();
      expect(await agreementAsOf(w.store, 'se-rocu', { knownAt: '2016-01-04' })).toBeNull();
      const now = await agreementAsOf(w.store, 'se-rocu');
      expect(now?.replay).toMatchObject({ asOf: null, knownAt: null, lastRecordedAt: '2016-03-10T12:00:00.000Z' });
      expect(now?.parties.filter((p) => !p.current).map((p) => [p.id, p.withdrewOn])).toEqual([
        ['surrey', '2015-12-31'],
        ['sussex', '2016-02-15'],
      ]);

      // The membership read model puts the late withdrawal in its place in valid time too.
      expect((await collaborationsOf(w.db, 'sussex', { asOf: '2016-02-14' })).map((c) => c.agreementId)).toEqual([
        'se-rocu',
      ]);
      expect(await collaborationsOf(w.db, 'sussex', { asOf: '2016-02-20' })).toEqual([]);
    });

    test('a withdrawal known only to its month: membership inside that month is not known, until corrected', async () => {
      const { story } = w;
      // After the test above: Kent, a member since 1 June 2015, left "in July 2016".
      story.now = new Date('2016-09-01T12:00:00Z');
      const rocu = story.agreement('se-rocu');
      await rocu.record('ForceWithdrew', '2016-07-01', { party: 'kent', reason: null, datePrecision: 'month' });
      await w.status.waitForPosition(story.last as Position);
      const kentOn = async (asOf: string) => collaborationsOf(w.db, 'kent', { asOf });
      expect((await kentOn('2016-06-30')).map((c) => c.member)).toEqual([true]);
      expect(await kentOn('2016-07-15')).toEqual([
        expect.objectContaining({
          agreementId: 'se-rocu',
          memberUntil: '2016-07-01',
          memberUntilPrecision: 'month',
          memberLeftBy: '2016-07-31',
          memberUntilSentence: 'left in July 2016',
          member: null,
          memberKnown: false,
          notKnownBecause:
            'The record says only that the body left in July 2016: whether it was a member on 15 July 2016 is not known.',
        }),
      ]);
      expect(await kentOn('2016-07-31')).toEqual([]);
      const kent = (await getAgreementDetail(w.db, 'se-rocu'))?.parties.find((p) => p.id === 'kent');
      expect(kent).toMatchObject({
        withdrewOn: '2016-07-01',
        withdrewPrecision: 'month',
        withdrawalSentence: 'left in July 2016',
        current: false,
      });
      expect((await agreementAsOf(w.store, 'se-rocu'))?.membership.find((i) => i.bodyId === 'kent')).toMatchObject({
        validTo: '2016-07-01',
        validToPrecision: 'month',
        leftBy: '2016-07-31',
      });

      // Stated afterwards to the day: the same answers as a day-precision withdrawal.
      await rocu.record('DatePrecisionRecorded', '2016-09-01', {
        facts: [{ fact: 'left', party: 'kent' }],
        precision: 'day',
        reason: 'The letter of withdrawal is dated 1 July 2016.',
      });
      await w.status.waitForPosition(story.last as Position);
      expect(await kentOn('2016-07-15')).toEqual([]);
      expect((await getAgreementDetail(w.db, 'se-rocu'))?.parties.find((p) => p.id === 'kent')).toMatchObject({
        withdrewPrecision: 'day',
        withdrawalSentence: 'left on 1 July 2016',
      });
      const replayed = await agreementAsOf(w.store, 'se-rocu');
      expect(replayed?.membership.find((i) => i.bodyId === 'kent')).toMatchObject({ validToPrecision: 'day' });
    });

    test('an AgreementDrafted of version 1 is upcast when read: its "national" is the scope, its legal basis not recorded', async () => {
      // As release 0.1.0 wrote it: one field for basis and scope. The stored event stays as it was.
      const data = {
        agreementId: 'nabis-v1',
        title: 'National Ballistics Intelligence Service (NABIS)',
        legalBasis: 'national',
        businessArea: 'ballistics intelligence',
        deliveryModel: 'national',
        parties: [findReferenceBody('gwent')!, findReferenceBody('dorset')!],
        hostForce: null,
        parentAgreementId: null,
        reviewDue: null,
      };
      const { lastPosition } = await w.store.append(
        'agreement-nabis-v1',
        [{ type: 'AgreementDrafted', schemaVersion: 1, occurredAt: '2013-04-01T00:00:00.000Z', data }],
        { expectedRevision: 'no-stream', actor: 'officer@gwent' },
      );
      await w.status.waitForPosition(lastPosition as Position);
      const apart = { legalBasis: null, scope: 'national' };
      expect(await listAgreements(w.db, { scope: 'national' })).toEqual([expect.objectContaining(apart)]);
      expect(await getAgreementDetail(w.db, 'nabis-v1')).toMatchObject(apart);
      expect(await agreementAsOf(w.store, 'nabis-v1')).toMatchObject(apart);
      const [stored] = await w.store.readStream('agreement-nabis-v1');
      expect(stored).toMatchObject({ schemaVersion: 1, data: { legalBasis: 'national' } });
      expect(stored?.data).not.toHaveProperty('scope');
    });

    test('a planned start and its re-planning, and a supersession shown on both sides as of its valid and transaction times', async () => {
      const { story } = w;
      const drafted = (title: string) => ({
        title,
        legalBasis: 's22A' as const,
        scope: 'regional' as const,
        businessArea: 'air support',
        deliveryModel: 'joint-unit' as const,
        parties: [findReferenceBody('gwent')!, findReferenceBody('south-wales')!],
        hostForce: null,
        parentAgreementId: null,
        reviewDue: null,
      });
      story.now = new Date('2016-04-01T12:00:00Z');
      await story.agreement('gwent-air').record('AgreementDrafted', '2010-01-04', drafted('Gwent air support'));
      const npas = story.agreement('npas-air');
      await npas.record('AgreementDrafted', '2012-06-01', drafted('National Police Air Service'));
      await npas.record('AgreementStartPlanned', '2012-06-01', { plannedStart: '2012-10-01' });
      await npas.record('AgreementStartReplanned', '2012-09-01', {
        plannedStart: '2013-01-01',
        previousPlannedStart: '2012-10-01',
        reason: 'May be January',
      });
      // Recorded on 1 May 2016, dated 1 January 2013.
      story.now = new Date('2016-05-01T12:00:00Z');
      await npas.record('PredecessorSuperseded', '2013-01-01', { supersededAgreementId: 'gwent-air' });
      await w.status.waitForPosition(story.last as Position);

      expect(await getAgreementDetail(w.db, 'npas-air')).toMatchObject({
        plannedStart: '2013-01-01',
        plannedStartHistory: [
          { plannedStart: '2012-10-01', plannedOn: '2012-06-01', reason: null },
          { plannedStart: '2013-01-01', plannedOn: '2012-09-01', reason: 'May be January' },
        ],
        supersedes: ['gwent-air'],
      });
      expect(await supersededByOf(w.db, 'gwent-air')).toEqual(['npas-air']);
      expect(await supersededByOf(w.db, 'npas-air')).toEqual([]);
      const successors = await supersededByOf(w.db, 'gwent-air');
      const supersededBy = async (times: { asOf?: string; knownAt?: string }) =>
        (await agreementAsOf(w.store, 'gwent-air', times, successors))?.supersededBy;
      expect(await supersededBy({})).toEqual(['npas-air']);
      expect(await supersededBy({ asOf: '2013-01-01' })).toEqual(['npas-air']);
      expect(await supersededBy({ asOf: '2012-12-31' })).toEqual([]);
      expect(await supersededBy({ knownAt: '2016-04-30' })).toEqual([]);
      expect((await agreementAsOf(w.store, 'npas-air', { asOf: '2012-08-01' }))?.plannedStart).toBe('2012-10-01');
    });
  });
}
