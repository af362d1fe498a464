import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { UnitsOfParents } from '#application';
import { SqlEventStore, migrateEventStore } from '#event-store';
import { pgliteDriver, type TestDatabase } from '../support/db.js';

const drafted = (agreementId: string, parentAgreementId: string | null) => ({
  type: 'AgreementDrafted',
  occurredAt: '2014-01-10T00:00:00.000Z',
  data: { agreementId, parentAgreementId },
});
const noise = (n: number) =>
  Array.from({ length: n }, () => ({ type: 'AgreementVaried', occurredAt: '2015-01-01T00:00:00.000Z', data: {} }));

describe('the units of a parent, followed from the log', () => {
  let database: TestDatabase;
  let store: SqlEventStore;

  beforeAll(async () => {
    database = await pgliteDriver.create();
    await migrateEventStore(database.db);
    store = new SqlEventStore(database.db);
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  test('finds units drafted anywhere in a log longer than a page, then only reads what was appended since', async () => {
    const append = (streamId: string, events: object[]) =>
      store.append(streamId, events as never, { expectedRevision: 'any', actor: 'test' });
    await append('agreement-zephyr', [drafted('zephyr', null)]);
    await append('agreement-zephyr-rart', [drafted('zephyr-rart', 'zephyr'), ...noise(1200)]);
    await append('agreement-other', [drafted('other', null), ...noise(900)]);
    await append('agreement-zephyr-riu', [drafted('zephyr-riu', 'zephyr')]);
    await append('agreement-tarian-unit', [drafted('tarian-unit', 'tarian')]);

    const units = new UnitsOfParents(store);
    const [first, second] = await Promise.all([units.of('zephyr'), units.of('zephyr')]);
    expect(first).toEqual(['zephyr-riu', 'zephyr-rart'].sort());
    expect(second).toEqual(first);
    expect(await units.of('tarian')).toEqual(['tarian-unit']);
    // Ids are data: an inherited name is a parent with no units, never something found by accident.
    expect(await units.of('constructor')).toEqual([]);

    await append('agreement-zephyr-fraud', [drafted('zephyr-fraud', 'zephyr')]);
    expect(await units.of('zephyr')).toEqual(['zephyr-fraud', 'zephyr-riu', 'zephyr-rart'].sort());
  });
});
