import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { displayActorText, type SqlEventStore, type StoredEvent } from '#event-store';
import {
  READ_MODEL_PROJECTIONS,
  agreementAsOf,
  benefitsByAgreement,
  benefitsByForce,
  collaborationsOf,
  ensureProjectionSchema,
  listAgreements,
  rebuildProjection,
  silentLogger,
  getAgreementDetail,
} from '#projections';
import type { ImportReport } from '#application';
import { testDrivers, type TestDatabase } from '../support/db.js';
import {
  GLOUCESTERSHIRE_REGISTER,
  NOT_IMPORTED,
  SEED_FILE,
  ZEPHYR_UNITS,
  agreementState,
  importInto,
  openStore,
  wholeLog,
} from './support.js';

/*
 * The seed file of seeds/000 (Gloucestershire register), seeds/004 (Gwent's Welsh collaborations), seeds/003 (the
 * Thames Valley panel report) and seeds/002 (the Avon and Somerset panel's link member report) imported through the
 * command bus into a fresh database, then imported again.
 */

/** Seed 002's records: the tri-force unit of seed 000 (the same agreement), and three of its own. */
const TRI = 'tri-force-specialist-operations-unit';
const FOUR = 'four-force-forensics';
const THREE = 'three-force-forensics';
const BI = 'bi-force-dogs-roads';
const SOURCE_002 = 'source 002: Avon and Somerset Police and Crime Panel: link member report on collaboration';
const pounds = (amount: number) => ({
  pence: amount * 100,
  formatted: `£${amount.toLocaleString('en-GB', { minimumFractionDigits: 2 })}`,
});

interface SeedRecord {
  id: string;
  parties: string[];
  skip?: string;
}
const seed = JSON.parse(await readFile(SEED_FILE, 'utf8')) as { agreements: SeedRecord[]; bodies: { id: string }[] };
const imported = seed.agreements.filter((a) => !a.skip).map((a) => a.id);
const ids = (rows: { agreementId: string }[]) => rows.map((r) => r.agreementId).sort();

for (const driver of testDrivers) {
  driver.describe(`import of seeds/collaborations.json on ${driver.name}`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;
    let first: ImportReport;
    let logAfterFirst: StoredEvent[];

    beforeAll(async () => {
      database = await driver.create();
      store = await openStore(database.db);
      first = await importInto(store);
      logAfterFirst = await wholeLog(store);
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      await database?.dispose();
    });

    test('imports every record, the one whose members the register does not name included, and every body', () => {
      expect(first.failures).toEqual([]);
      expect(first.agreements).toEqual({
        total: seed.agreements.length,
        imported: imported.length,
        unchanged: 0,
        refused: 0,
        notImported: 0,
      });
      expect(first.notImported.map((n) => n.recordId)).toEqual(NOT_IMPORTED);
      expect(first.bodies).toMatchObject({ total: seed.bodies.length, registered: seed.bodies.length, refused: 0 });
      expect(first.eventsReplayed).toBe(0);
    });

    test('appends one event per step, every one recorded by the import as its actor', () => {
      expect(logAfterFirst).toHaveLength(first.eventsAppended);
      expect(new Set(logAfterFirst.map((e) => displayActorText(e.actor)))).toEqual(
        new Set(['system:import (collaborations.json)']),
      );
    });

    test('says what it assumed where the documents give no date', () => {
      const texts = first.assumptions.map((a) => `${a.recordId}: ${a.text}`);
      expect(texts).toContainEqual(expect.stringMatching(/^zephyr: No date in the register: .*24 August 2017/));
      expect(texts).toContainEqual(expect.stringMatching(/^surveillance-operations-service: Dates: "January 2023"/));
      expect(texts).toContainEqual(expect.stringMatching(/^tarian: Dates: "in operation for over 10 years"/));
    });

    test('publishes every imported agreement (s23E) as its first source published by one of its parties', async () => {
      expect(first.publications).toEqual({
        published: imported.length,
        unchanged: 0,
        alreadyPublished: 0,
        refused: 0,
        notPublished: 0,
      });
      const published = async (id: string) =>
        (await store.readStream(`publication-${id}`)).map((e) => [e.type, e.data]);
      const event = (publishedBy: string, publishedOn: string, agreementId: string) => [
        'AgreementPublished',
        expect.objectContaining({ agreementId, publishedBy, publishedOn, documentUrl: null }),
      ];
      expect(await published('hampshire-tvp-bilateral')).toEqual([
        event('thames-valley', '2016-10-21', 'hampshire-tvp-bilateral'),
      ]);
      expect(await published('npas')).toEqual([event('gloucestershire', '2017-08-24', 'npas')]);
      expect(await published('tarian')).toEqual([event('gwent', '2023-01-01', 'tarian')]);
      expect(await published('vehicle-procurement-consortium')).toEqual([
        event('gloucestershire', '2017-08-24', 'vehicle-procurement-consortium'),
      ]);
      const texts = first.assumptions.map((a) => `${a.recordId}: ${a.text}`);
      expect(texts).toContainEqual(
        expect.stringMatching(
          /^hampshire-tvp-bilateral: Publication \(s23E\): the Thames Valley Police and Crime Panel's report/,
        ),
      );
      expect(texts).toContainEqual(
        expect.stringMatching(/^tarian: Published \(s23E\) by gwent on 2023-01-01: source 004/),
      );
    });

    test('a second import changes nothing: same head, same events', async () => {
      const head = await store.headPosition();
      const second = await importInto(store);
      expect(second.failures).toEqual([]);
      expect(second.eventsAppended).toBe(0);
      expect(second.eventsReplayed).toBe(first.eventsAppended);
      expect(second.agreements).toMatchObject({ imported: 0, unchanged: imported.length });
      expect(second.bodies).toMatchObject({ registered: 0, unchanged: seed.bodies.length });
      expect(second.publications).toMatchObject({ published: 0, unchanged: imported.length });
      expect(await store.headPosition()).toBe(head);
      expect(await wholeLog(store)).toEqual(logAfterFirst);
    }, 120_000);

    test('every imported row of the Gloucestershire register is in force with Gloucestershire among its parties', async () => {
      const rows = GLOUCESTERSHIRE_REGISTER.filter((id) => !NOT_IMPORTED.includes(id));
      expect(rows).toHaveLength(20);
      for (const id of rows) {
        const state = await agreementState(store, id);
        expect({ id, status: state.status }).toEqual({ id, status: 'in-force' });
        expect(state.members.map((m) => m.body.id)).toContain('gloucestershire');
        expect(
          state.members.every((m) => m.signature !== null && (m.approval !== null || m.body.policingBody === null)),
        ).toBe(true);
      }
    });

    test('the Vehicle Procurement Consortium is recorded with Gloucestershire and its declared 32 members', async () => {
      const vpc = await agreementState(store, 'vehicle-procurement-consortium');
      expect(vpc.status).toBe('in-force');
      expect(vpc.members.map((m) => [m.body.id, m.capacity])).toEqual([['gloucestershire', null]]);
      expect(vpc.declaredMembership).toEqual({
        description: '25 police forces and 7 fire and rescue authorities',
        count: 32,
      });
      const texts = first.assumptions.map((a) => `${a.recordId}: ${a.text}`);
      expect(texts).toContainEqual(
        expect.stringMatching(/^vehicle-procurement-consortium: Members not named: .*1 of 32 members named/),
      );
    });

    test("Zephyr's functional units have it as their parent; CTIUSW has none", async () => {
      for (const unit of ZEPHYR_UNITS) expect((await agreementState(store, unit)).parentAgreementId).toBe('zephyr');
      expect((await agreementState(store, 'ctiusw')).parentAgreementId).toBeNull();
      expect((await agreementState(store, 'zephyr')).parentAgreementId).toBeNull();
    });

    test('registers the non-police parties and gives PCC approvals only to parties with a policing body', async () => {
      const npcc = await agreementState(store, 'npcc');
      expect(npcc.members).toHaveLength(56);
      const scotland = npcc.members.find((m) => m.body.id === 'police-scotland');
      expect(scotland).toMatchObject({ body: { kind: 'national-police-force', policingBody: null }, approval: null });
      expect(npcc.members.find((m) => m.body.id === 'dorset')?.approval?.policingBody.name).toBe(
        'Dorset Police and Crime Commissioner',
      );
      const srs = await agreementState(store, 'shared-resource-service');
      expect(srs.members.map((m) => [m.body.id, m.body.kind])).toEqual([
        ['gwent', 'territorial-police-force'],
        ['torfaen-county-borough-council', 'local-authority'],
        ['monmouthshire-county-council', 'local-authority'],
      ]);
      expect((await agreementState(store, 'surveillance-operations-service')).members).toHaveLength(18);
    });

    test('the read models list the register for Gloucestershire and the South West agreements for Dorset', async () => {
      await ensureProjectionSchema(database.db, READ_MODEL_PROJECTIONS);
      for (const projection of READ_MODEL_PROJECTIONS) {
        await rebuildProjection(database.db, store, projection, { logger: silentLogger });
      }
      const gloucestershire = await collaborationsOf(database.db, 'gloucestershire', { asOf: '2017-08-24' });
      expect(ids(gloucestershire)).toEqual(GLOUCESTERSHIRE_REGISTER.filter((id) => !NOT_IMPORTED.includes(id)).sort());
      expect(gloucestershire.every((c) => c.member === true)).toBe(true);
      // Issue 15 item 7: the consortium's declared membership, read back as the detail shows it.
      const vpc = await getAgreementDetail(database.db, 'vehicle-procurement-consortium');
      expect(vpc?.membersNamed).toBe('1 of 32 members named');
      expect(vpc?.parties.map((p) => [p.id, p.capacityText, p.approvalAsked])).toEqual([
        ['gloucestershire', 'not recorded', true],
      ]);
      // Issue 15: the register's page date is only the day by which most rows were in force. The day before (and on
      // 31 March 2016), Gloucestershire is surely a member of NPAS (July 2013) alone, and of the rest not known.
      for (const asOf of ['2017-08-23', '2016-03-31']) {
        const before = await collaborationsOf(database.db, 'gloucestershire', { asOf });
        expect(ids(before.filter((c) => c.member === true))).toEqual(['npas']);
        expect(ids(before.filter((c) => c.member === null))).toEqual(
          GLOUCESTERSHIRE_REGISTER.filter((id) => !NOT_IMPORTED.includes(id) && id !== 'npas').sort(),
        );
        const zephyr = before.find((c) => c.agreementId === 'zephyr');
        expect(zephyr).toMatchObject({
          memberKnown: false,
          memberFromPrecision: 'on-or-before',
          memberFromSentence: 'became a member by 24 August 2017',
        });
        expect(zephyr?.notKnownBecause).toMatch(/is not known/);
      }

      const dorset = await listAgreements(database.db, { party: 'dorset' });
      expect(ids(dorset)).toEqual(
        [
          'zephyr',
          ...ZEPHYR_UNITS,
          'ctiusw',
          'npas',
          'south-west-home-office-grants',
          'forensic-analytical-services-procurement',
          'south-west-regional-governance',
          'swppd',
          'south-west-ripa-authorisation',
          'op-temperer',
          'nabis',
          'npcc',
          'npocc',
          FOUR,
          THREE,
        ].sort(),
      );
      // Seed 002's three-force forensics proposal is a draft; every other is in force.
      expect(dorset.filter((row) => row.status !== 'in-force').map((row) => [row.agreementId, row.status])).toEqual([
        [THREE, 'drafted'],
      ]);
      expect(ids(await listAgreements(database.db, { party: 'dorset' }))).toEqual(
        ids(seed.agreements.filter((a) => !a.skip && a.parties.includes('dorset')).map((a) => ({ agreementId: a.id }))),
      );

      // "established in 2006", "In 2009": years, known by their end.
      const gwent2010 = await collaborationsOf(database.db, 'gwent', { asOf: '2010-01-01' });
      expect(ids(gwent2010.filter((c) => c.member === true))).toEqual([
        'ctp-wales',
        'gwent-south-wales-joint-legal-services',
      ]);
      expect(ids(gwent2010.filter((c) => c.member === null))).toEqual(
        expect.arrayContaining(['tarian', 'gwent-south-wales-air-support', 'shared-resource-service']),
      );
      const gwent2023 = await collaborationsOf(database.db, 'gwent', { asOf: '2023-01-01' });
      expect(ids(gwent2023.filter((c) => c.member === true))).toEqual(
        expect.arrayContaining(['tarian', 'shared-resource-service', 'npas']),
      );
      // "January 2023": on its first day not known; by its last, known.
      expect(gwent2023.find((c) => c.agreementId === 'surveillance-operations-service')?.member).toBeNull();
      const gwentFeb = await collaborationsOf(database.db, 'gwent', { asOf: '2023-01-31' });
      expect(gwentFeb.find((c) => c.agreementId === 'surveillance-operations-service')?.member).toBe(true);
    }, 120_000);

    test("seed 002: the tri-force unit's service lines before and after the break-up, its terms and its host", async () => {
      const before = await agreementAsOf(store, TRI, { asOf: '2018-07-01' });
      expect(before).toMatchObject({ status: 'in-force', hostForce: null, deliveryModel: 'joint-unit' });
      expect(before?.serviceLines.map((l) => l.name)).toEqual(['firearms', 'dogs', 'roads']);
      expect(before?.terms).toMatchObject({ termsVersion: 1, terms: { deliveryModel: 'joint-unit' } });

      const after = await agreementAsOf(store, TRI, { asOf: '2018-07-02' });
      expect(after?.status).toBe('in-force');
      expect(after?.parties.filter((p) => p.current).map((p) => p.id)).toEqual([
        'avon-somerset',
        'gloucestershire',
        'wiltshire',
      ]);
      expect(after?.serviceLines).toEqual([
        { serviceLineId: 'firearms', name: 'firearms', from: '2017-08-24', until: null, endReason: null },
      ]);
      expect(after?.hostForce).toBe('avon-somerset');
      expect(after?.hostForceHistory).toEqual([{ hostForce: 'avon-somerset', from: '2018-07-02', until: null }]);
      expect(after?.terms).toMatchObject({
        termsVersion: 2,
        effectiveFrom: '2018-07-02',
        terms: { deliveryModel: 'host-force', hostForce: 'avon-somerset', functions: ['firearms'] },
      });
      expect(after?.variations).toEqual([
        expect.objectContaining({
          variationId: 'firearms-host-force',
          status: 'effective',
          effectiveFrom: '2018-07-02',
        }),
      ]);
      // Not recorded: the agreement's own delivery model stays as the register gives it.
      expect(after?.deliveryModel).toBe('joint-unit');

      const now = await agreementAsOf(store, TRI);
      expect(now?.serviceLines.map((l) => [l.serviceLineId, l.until])).toEqual([
        ['firearms', null],
        ['dogs', '2018-07-02'],
        ['roads', '2018-07-02'],
      ]);
      expect(now?.serviceLines[1]?.endReason).toMatch(/^Back to the three forces' separate dogs sections \(source 002/);
      const texts = first.assumptions.filter((a) => a.recordId === TRI).map((a) => a.text);
      expect(texts).toContainEqual(expect.stringMatching(/^Seed 002's "original tri-force work" .* one record/));
      expect(texts).toContainEqual(expect.stringMatching(/^Firearms to a host-force model \(source 002\)/));
    });

    test('seed 002: the forensics proposal is a draft planned for 1 April 2019, re-planned to September, superseding the 4-force agreement', async () => {
      const three = await agreementAsOf(store, THREE);
      expect(three).toMatchObject({
        status: 'drafted',
        deliveryModel: 'host-force',
        hostForce: 'avon-somerset',
        inForceFrom: null,
        plannedStart: '2019-09-01',
        supersedes: [FOUR],
        signatures: [],
      });
      expect(three?.parties.map((p) => p.id)).toEqual(['avon-somerset', 'devon-cornwall', 'dorset']);
      expect(
        three?.plannedStartHistory.map(({ plannedStart, plannedOn, reason }) => ({ plannedStart, plannedOn, reason })),
      ).toEqual([
        { plannedStart: '2019-04-01', plannedOn: '2018-07-02', reason: null },
        {
          plannedStart: '2019-09-01',
          plannedOn: '2018-07-02',
          reason: expect.stringMatching(/\(source 002\): "aimed to start on 1st April but may be Sept"$/) as unknown,
        },
      ]);
      expect((await agreementState(store, THREE)).draftedPrecision).toBe('on-or-before');

      const four = await agreementAsOf(store, FOUR, {}, [THREE]);
      expect(four).toMatchObject({ status: 'in-force', supersedes: [], supersededBy: [THREE] });
      expect(four?.parties.map((p) => p.id)).toEqual(['avon-somerset', 'devon-cornwall', 'dorset', 'wiltshire']);
      expect(await agreementAsOf(store, FOUR, { asOf: '2018-07-01' }, [THREE])).toMatchObject({ supersededBy: [] });

      const bi = await agreementAsOf(store, BI);
      expect(bi).toMatchObject({ status: 'drafted', inForceFrom: null, signatures: [], plannedStart: null });
      expect(bi?.parties.map((p) => p.id)).toEqual(['avon-somerset', 'wiltshire']);
    });

    test('seed 002: the benefits ledger holds £8.5m realised against the £25m estimate, £3m for Avon and Somerset, and the time saved', async () => {
      // The read models were rebuilt by the test before.
      const [tri, ...others] = await benefitsByAgreement(database.db);
      expect(others).toEqual([]);
      expect(tri?.agreementId).toBe(TRI);
      expect(tri?.wholeAgreement.savings).toEqual({ forecast: pounds(25_000_000), realised: pounds(8_500_000) });
      expect(tri?.attributed.savings).toEqual({ forecast: pounds(0), realised: pounds(3_000_000) });
      expect(tri?.wholeAgreement.nonCash).toEqual([
        expect.objectContaining({
          description: 'More about efficiency of time rather than monetary efficiency',
          measure: 'officer time',
        }),
      ]);
      expect(tri?.ledger.map((e) => e.source)).toEqual(Array.from({ length: 4 }, () => SOURCE_002));
      const local = await benefitsByForce(database.db, { force: 'avon-somerset' });
      expect(local.map((f) => [f.force, f.attributed.savings])).toEqual([
        ['avon-somerset', { forecast: pounds(0), realised: pounds(3_000_000) }],
      ]);
    });

    test("seed 002 is published as Avon and Somerset's on the day of the briefing; the tri-force unit stays the register's", async () => {
      const published = async (id: string) =>
        (await store.readStream(`publication-${id}`)).map(
          (e) => e.data as { publishedBy: string; publishedOn: string },
        );
      for (const id of [FOUR, THREE, BI])
        expect(await published(id)).toEqual([
          expect.objectContaining({ publishedBy: 'avon-somerset', publishedOn: '2018-07-02' }),
        ]);
      expect(await published(TRI)).toEqual([
        expect.objectContaining({ publishedBy: 'gloucestershire', publishedOn: '2017-08-24' }),
      ]);
    });
  });
}
