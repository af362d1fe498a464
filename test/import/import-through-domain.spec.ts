import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { agreementStreamId } from '#domain';
import { displayActorText, type SqlEventStore } from '#event-store';
import { SeedFileError } from '#application';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { agreementState, importInto, openStore, smallSeed, tempSeedFile, wholeLog } from './support.js';

/*
 * The import is a client of the domain like any other: what the deciders refuse is refused, with
 * their error, and nothing is written for that record.
 */

let database: TestDatabase;
let store: SqlEventStore;
const files: { dispose(): Promise<void> }[] = [];

beforeEach(async () => {
  database = await pgliteDriver.create();
  store = await openStore(database.db);
});
afterEach(async () => {
  await store.close();
  await database.dispose();
  await Promise.all(files.splice(0).map((f) => f.dispose()));
});

const seedFile = async (content: unknown, name?: string) => {
  const file = await tempSeedFile(content, name);
  files.push(file);
  return file.path;
};

const record = (id: string, overrides: object) => ({
  id,
  title: `Agreement ${id}`,
  sources: ['test'],
  legalBasis: 's22A',
  businessArea: 'roads policing',
  deliveryModel: 'joint-unit',
  parties: ['dorset', 'wiltshire'],
  inForceFrom: '2016-03-01',
  ...overrides,
});

describe('a valid file', () => {
  test('registers its bodies, drafts parents before their units, and brings everything into force', async () => {
    const report = await importInto(store, await seedFile(smallSeed(), 'small.json'));
    expect(report.failures).toEqual([]);
    expect(report.agreements).toMatchObject({ imported: 2, refused: 0 });

    const umbrella = await agreementState(store, 'umbrella');
    expect(umbrella).toMatchObject({ status: 'in-force', hostForce: 'avon-somerset', inForceFrom: '2016-01-01' });
    const hmrc = umbrella.members.find((m) => m.body.id === 'hm-revenue-customs');
    expect(hmrc).toMatchObject({
      body: { kind: 'government', policingBody: null },
      signature: { signedBy: 'the chief constable' },
      approval: null,
    });

    const unit = await agreementState(store, 'unit');
    expect(unit).toMatchObject({
      status: 'in-force',
      parentAgreementId: 'umbrella',
      draftedOn: '2015-12-01',
      inForceFrom: '2016-02-01',
    });

    const log = await wholeLog(store);
    expect(log.map((e) => `${e.streamId} ${e.type}`).slice(0, 3)).toEqual([
      'bodies BodyRegistered',
      'agreement-umbrella AgreementDrafted',
      'agreement-umbrella AgreementSigned',
    ]);
    expect(new Set(log.map((e) => displayActorText(e.actor)))).toEqual(new Set(['system:import (small.json)']));
    expect(log.find((e) => e.streamId === 'agreement-unit')?.correlationId).toBe('import:unit');
  });
});

describe('a record the domain refuses', () => {
  test.each([
    [
      'a host force that is not a party',
      { hostForce: 'kent' },
      'host-not-a-party',
      /"kent" cannot host "Agreement bad"/,
    ],
    [
      'an unknown body',
      { parties: ['dorset', 'dorset-fire'] },
      'unknown-body',
      /"dorset-fire" is not a known police force or registered body/,
    ],
    ['a single party', { parties: ['dorset'] }, 'too-few-parties', /at least two parties/],
    ['an unknown legal basis', { legalBasis: 'treaty' }, 'invalid-legal-basis', /"treaty" is not a legal basis/],
    ['a parent that does not exist', { parentId: 'nowhere' }, 'parent-agreement-not-found', /"nowhere" does not exist/],
  ])(
    'is refused with the domain error for %s, and nothing is written for it',
    async (_case, overrides, code, message) => {
      const path = await seedFile(smallSeed([record('bad', overrides)]));
      const report = await importInto(store, path);
      expect(report.failures).toEqual([
        { recordId: 'bad', step: 'draft', code, message: expect.stringMatching(message) },
      ]);
      expect(report.agreements).toMatchObject({ imported: 2, refused: 1 });
      expect(await store.readStream(agreementStreamId('bad'))).toEqual([]);

      // Running it again refuses it again and changes nothing else.
      const head = await store.headPosition();
      const again = await importInto(store, path);
      expect(again.failures).toEqual(report.failures);
      expect(again.eventsAppended).toBe(0);
      expect(await store.headPosition()).toBe(head);
    },
  );

  test('a record changed since it was imported is refused, not rewritten', async () => {
    const seed = smallSeed();
    await importInto(store, await seedFile(seed));
    const head = await store.headPosition();

    (seed.agreements[1] as { title: string }).title = 'Umbrella agreement, renamed';
    const report = await importInto(store, await seedFile(seed));
    expect(report.failures).toEqual([
      {
        recordId: 'umbrella',
        step: 'draft',
        code: 'changed-since-import',
        message: expect.stringContaining('record the change through the API'),
      },
    ]);
    expect(await store.headPosition()).toBe(head);
    expect((await agreementState(store, 'umbrella')).title).toBe('Umbrella agreement');
  });

  test('a body changed since it was imported is refused, and the agreements naming it still go in', async () => {
    const seed = smallSeed();
    await importInto(store, await seedFile({ ...seed, agreements: [] }, 'bodies-first.json'));
    const report = await importInto(store, await seedFile({ ...seed, bodies: [{ ...seed.bodies[0], name: 'HMRC' }] }));
    expect(report.failures).toEqual([
      {
        recordId: 'body:hm-revenue-customs',
        step: 'register',
        code: 'changed-since-import',
        message: expect.any(String),
      },
    ]);
    expect(report.agreements.imported).toBe(2);
  });

  test('a body someone registered before the import (through the API) is kept as they registered it', async () => {
    await store.append(
      'bodies',
      [
        {
          type: 'BodyRegistered',
          occurredAt: '2015-06-01T00:00:00.000Z',
          data: { bodyId: 'hm-revenue-customs', name: 'HMRC', kind: 'government' },
        },
      ],
      { expectedRevision: 'no-stream', actor: 'officer.jones' },
    );
    const report = await importInto(store, await seedFile(smallSeed()));
    expect(report.failures).toEqual([]);
    expect(report.bodies).toMatchObject({ registered: 0, alreadyRegistered: 1 });
    expect(report.preregisteredBodies).toEqual([
      { bodyId: 'hm-revenue-customs', message: expect.stringContaining('already registered (as HMRC)') },
    ]);
    const umbrella = await agreementState(store, 'umbrella');
    expect(umbrella.members.find((m) => m.body.id === 'hm-revenue-customs')?.body.name).toBe('HMRC');
  });
});

describe('a malformed file', () => {
  test('is refused before anything is sent, naming each problem', async () => {
    const path = await seedFile({ agreements: [{ id: 'x', parties: 'dorset', inForceFrom: '2016-02-30' }] });
    const attempt = importInto(store, path);
    await expect(attempt).rejects.toThrow(SeedFileError);
    await expect(attempt).rejects.toThrow(/agreements\[0\]\.parties must be a list of strings/);
    await expect(attempt).rejects.toThrow(
      /agreements\[0\]\.inForceFrom must be a real date written YYYY-MM-DD, not "2016-02-30"/,
    );
    expect(await store.headPosition()).toBeNull();
  });

  test("seed 002's fields are checked as well: drafts, service lines, variations, re-plans and benefits", async () => {
    const path = await seedFile(
      smallSeed([
        record('draft', { status: 'drafted', draftedOn: '2016-01-01', signedOn: '2016-01-02' }),
        record('undated-draft', { status: 'proposed', inForceFrom: undefined }),
        record('lines', {
          plannedStart: '2017-01-01',
          serviceLines: [
            { id: 'dogs', name: 'dogs', from: '2016-03-01', until: '2017-01-01' },
            { id: 'dogs', name: 'dogs again', from: '2016-03-01' },
          ],
          variations: [{ id: 'v1', summary: 'host force', proposedTerms: 'host-force' }],
          benefits: [{ id: 'b1', kind: 'saving', status: 'realised', amountPence: -1, source: 'other' }],
        }),
      ]),
    );
    const attempt = importInto(store, path);
    await expect(attempt).rejects.toThrow(SeedFileError);
    for (const problem of [
      /agreements\[2\]\.inForceFrom must be left out: the record's status is "drafted"/,
      /agreements\[2\]\.signedOn must be left out/,
      /agreements\[3\]\.status must be one of in-force, drafted, not "proposed"/,
      /agreements\[4\]: "plannedStart" and "replans" are for a draft/,
      /agreements\[4\]\.serviceLines\[0\]\.endReason is required with "until"/,
      /agreements\[4\] has service line "dogs" more than once/,
      /agreements\[4\]\.variations\[0\]\.proposedOn is required: the day the variation was proposed/,
      /agreements\[4\]\.variations\[0\]\.proposedTerms must be an object/,
      /agreements\[4\]\.benefits\[0\]\.amountPence must be a whole number of pence/,
      /agreements\[4\]\.benefits\[0\]\.source \("other"\) must be one of the record's own "sources" \(test\)/,
    ])
      await expect(attempt).rejects.toThrow(problem);
    expect(await store.headPosition()).toBeNull();
  });

  test('that is not JSON says so', async () => {
    await expect(importInto(store, await seedFile('{"agreements": ['))).rejects.toThrow(
      /is not a valid seed file:\n {2}- It is not JSON/,
    );
  });
});
