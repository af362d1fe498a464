import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { SqlEventStore, StoredEvent } from '#event-store';
import type { ImportReport } from '#application';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { SEED_FILE, agreementState, importInto, openStore, tempSeedFile, wholeLog } from './support.js';

/*
 * Issue 15: the seed file gained `datePrecision`. A database imported from the file before it had one must reopen
 * with the new file (IMPORT_ON_START) without refusals: the precision is a step of its own (RecordDatePrecision),
 * so the fingerprints of the steps already recorded do not change, and the reopened database ends as a fresh
 * import of the new file does.
 */

interface SeedJson {
  sources: { id: string }[];
  agreements: { id: string; sources: string[]; datePrecision?: string; skip?: string }[];
}
const seed = JSON.parse(await readFile(SEED_FILE, 'utf8')) as SeedJson;
const withoutPrecision: SeedJson = {
  ...seed,
  agreements: seed.agreements.map(({ datePrecision: _dropped, ...rest }) => rest),
};
const qualified = seed.agreements.filter((a) => !a.skip && (a.datePrecision ?? 'day') !== 'day').map((a) => a.id);

/**
 * The facts of a log stream by stream, without what differs from one run to another (ids, positions, times of the
 * server) and without their order: the reopened database appends its precision steps after everything else (NPAS's
 * after its supersession), a fresh one after each record's commencement.
 */
const story = (log: StoredEvent[]) =>
  log
    .map((e) => JSON.stringify({ streamId: e.streamId, type: e.type, schemaVersion: e.schemaVersion, data: e.data }))
    .sort();

interface ImportedBefore {
  /** The import of the old file, then of the current one over it. */
  before: ImportReport;
  after: ImportReport;
  upgraded: SqlEventStore;
  /** A second, empty database, for a fresh import of the current file. */
  fresh: SqlEventStore;
}

/** Imports the `old` seed file into a new database and then the current file over it, before the describe's tests. */
function importedBefore(old: SeedJson): ImportedBefore {
  const databases: TestDatabase[] = [];
  const stores: SqlEventStore[] = [];
  const run = {} as ImportedBefore;
  beforeAll(async () => {
    const file = await tempSeedFile(old, 'collaborations.json');
    try {
      databases.push(await pgliteDriver.create(), await pgliteDriver.create());
      stores.push(await openStore(databases[0]!.db), await openStore(databases[1]!.db));
      run.upgraded = stores[0]!;
      run.fresh = stores[1]!;
      run.before = await importInto(run.upgraded, file.path);
      run.after = await importInto(run.upgraded);
    } finally {
      await file.dispose();
    }
  }, 240_000);
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const database of databases) await database.dispose();
  });
  return run;
}

/** The reopened database holds the same events as a fresh import of the current file. */
async function endsAsAFreshImport(run: ImportedBefore): Promise<void> {
  const fresh = await importInto(run.fresh);
  expect(fresh.failures).toEqual([]);
  expect(story(await wholeLog(run.fresh))).toEqual(story(await wholeLog(run.upgraded)));
}

pgliteDriver.describe('a database imported before the seed file had date precisions', () => {
  const run = importedBefore(withoutPrecision);

  test('reopens with the new file without refusals, appending one precision step per record not dated to the day', () => {
    expect(qualified.length).toBeGreaterThan(20);
    expect(run.before.failures).toEqual([]);
    expect(run.after.failures).toEqual([]);
    expect(run.after.eventsAppended).toBe(qualified.length);
    expect(run.after.eventsReplayed).toBe(run.before.eventsAppended);
    expect(run.after.agreements.refused).toBe(0);
  });

  test('the stored dates do not move; they gain how exactly they are known', async () => {
    const zephyr = await agreementState(run.upgraded, 'zephyr');
    expect([zephyr.inForceFrom, zephyr.inForcePrecision, zephyr.draftedPrecision]).toEqual([
      '2017-08-24',
      'on-or-before',
      'on-or-before',
    ]);
    expect(zephyr.members.every((m) => m.signature?.precision === 'on-or-before')).toBe(true);
    expect((await agreementState(run.upgraded, 'npas')).inForcePrecision).toBe('month');
    expect((await agreementState(run.upgraded, 'ctp-wales')).inForcePrecision).toBe('year');
  });

  test('ends as a fresh import of the new file does', () => endsAsAFreshImport(run), 240_000);
});

/*
 * Issue 15 item 8: the seed file gained source 002 (three records of its own, and the story of seed 000's tri-force
 * unit: terms, service lines, a variation, its host, its ledger). A database imported from the file before reopens
 * with the new one without refusals: the tri-force unit's new facts are steps of their own after its first ones,
 * whose fingerprints do not change, and the reopened database ends as a fresh import of the new file does.
 */
const SEED_002_FIELDS = [
  'status',
  'plannedStart',
  'replans',
  'terms',
  'serviceLines',
  'variations',
  'hostChanges',
  'benefits',
];
const withoutSeed002: SeedJson = {
  ...seed,
  sources: seed.sources.filter((s) => s.id !== '002'),
  agreements: seed.agreements
    .filter((a) => a.sources.some((s) => s !== '002'))
    .map((a) => ({
      ...Object.fromEntries(Object.entries(a).filter(([key]) => !SEED_002_FIELDS.includes(key))),
      sources: a.sources.filter((s) => s !== '002'),
    })) as SeedJson['agreements'],
};

pgliteDriver.describe('a database imported before the seed file had source 002', () => {
  const run = importedBefore(withoutSeed002);

  test('reopens with the new file without refusals: what was imported is replayed, the tri-force unit gains its story', async () => {
    expect(withoutSeed002.agreements).toHaveLength(seed.agreements.length - 3);
    expect(run.before.failures).toEqual([]);
    expect(run.after.failures).toEqual([]);
    expect(run.after.eventsReplayed).toBe(run.before.eventsAppended);
    expect(run.after.agreements).toMatchObject({ imported: 4, refused: 0 });
    const tri = await agreementState(run.upgraded, 'tri-force-specialist-operations-unit');
    expect([tri.inForceFrom, tri.hostForce, tri.terms.length]).toEqual(['2017-08-24', 'avon-somerset', 2]);
    expect([...tri.serviceLines.values()].map((l) => [l.name, l.until])).toEqual([
      ['firearms', null],
      ['dogs', '2018-07-02'],
      ['roads', '2018-07-02'],
    ]);
  });

  test('ends as a fresh import of the new file does', () => endsAsAFreshImport(run), 240_000);
});
