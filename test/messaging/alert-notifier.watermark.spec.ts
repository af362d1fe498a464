// The alert notifier's delivery watermark: the pure decisions (no I/O), then the row in a real database
// (PGlite) over a real event log. With a broker and webhooks: alert-notifier.history.kafka.spec.ts.
import { afterEach, describe, expect, test } from '@jest/globals';
import { runMigrations, type Position, type SqlEventStore } from '#event-store';
import { loadConfig } from '#config';
import { alertNotifierOptionsFromConfig } from '../../apps/worker/src/notifier/alert-notifier.module.js';
import { DeliveryWatermarks, firstWatermark, isHistoric } from '../../apps/worker/src/notifier/delivery-watermark.js';
import { NOTIFIER_MIGRATIONS, SeenAlerts } from '../../apps/worker/src/notifier/seen-alerts.js';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { openStore } from './support.js';

const p = (n: number) => String(n) as Position;
const compare = (a: Position, b: Position) => Number(BigInt(a) - BigInt(b));
const at = (n: number) => ({ position: p(n) });

describe('the first watermark (pure)', () => {
  const head = { position: p(41), recordedAt: '2026-11-28T05:00:00.000Z' };

  test('skip: at the head of the log, so what is already there is history', () => {
    expect(firstWatermark({ mode: 'skip', head, alreadyNotified: false })).toEqual({
      position: p(41),
      headRecordedAt: '2026-11-28T05:00:00.000Z',
      basis: 'skip',
    });
  });

  test('skip with an empty log: nothing is history', () => {
    expect(firstWatermark({ mode: 'skip', head: null, alreadyNotified: false })).toEqual({
      position: null,
      headRecordedAt: null,
      basis: 'skip',
    });
  });

  test('deliver: no position, history is delivered', () => {
    expect(firstWatermark({ mode: 'deliver', head, alreadyNotified: false })).toMatchObject({
      position: null,
      basis: 'deliver',
    });
  });

  test('an upgrade (alerts delivered here before watermarks existed) holds nothing back', () => {
    // The old notifier delivered everything it saw: skipping up to the head now would lose the alerts
    // raised while it was down for the upgrade.
    expect(firstWatermark({ mode: 'skip', head, alreadyNotified: true })).toMatchObject({
      position: null,
      basis: 'continued',
    });
  });
});

describe('is an alert event history? (pure)', () => {
  test('skip: at or before the watermark is history, after it is not', () => {
    expect(isHistoric(at(40), at(41), 'skip', compare)).toBe(true);
    expect(isHistoric(at(41), at(41), 'skip', compare)).toBe(true);
    expect(isHistoric(at(42), at(41), 'skip', compare)).toBe(false);
    // Positions compare as the store says, not as text.
    expect(isHistoric(at(100), at(41), 'skip', compare)).toBe(false);
  });

  test('deliver mode, no watermark or a watermark without position: nothing is history', () => {
    expect(isHistoric(at(1), at(41), 'deliver', compare)).toBe(false);
    expect(isHistoric(at(1), null, 'skip', compare)).toBe(false);
    expect(isHistoric(at(1), { position: null }, 'skip', compare)).toBe(false);
  });

  test('an envelope the notifier cannot place is delivered rather than dropped', () => {
    expect(isHistoric({ position: undefined as unknown as Position }, at(41), 'skip', compare)).toBe(false);
    expect(isHistoric({ position: p(Number.NaN) }, at(41), 'skip', compare)).toBe(false);
  });
});

test('ALERT_NOTIFY_HISTORY reaches the notifier: skip by default, deliver when set', () => {
  expect(alertNotifierOptionsFromConfig(loadConfig({})).history).toBe('skip');
  expect(alertNotifierOptionsFromConfig(loadConfig({ ALERT_NOTIFY_HISTORY: 'deliver' })).history).toBe('deliver');
});

describe('the watermark row (PGlite and the SQL event log)', () => {
  let database: TestDatabase | null = null;
  let store: SqlEventStore | null = null;

  afterEach(async () => {
    await store?.close();
    await database?.dispose();
    store = null;
    database = null;
  });

  async function open(): Promise<{ store: SqlEventStore; watermarks: () => DeliveryWatermarks }> {
    database = await pgliteDriver.create();
    store = await openStore(database.db);
    await runMigrations(database.db, NOTIFIER_MIGRATIONS);
    const db = database.db;
    const log = store;
    return { store: log, watermarks: () => new DeliveryWatermarks(db, log) };
  }

  const raise = (alertId: string) => ({ type: 'AlertRaised', occurredAt: '2016-04-08T00:00:00Z', data: { alertId } });

  test('recorded once at the head of the log; later starts keep it, whatever the mode', async () => {
    const { store, watermarks } = await open();
    await store.append('alert-h1', [raise('h1'), raise('h1')], { expectedRevision: 'no-stream', actor: 'test' });
    const [, head] = await store.readStream('alert-h1');

    const first = await watermarks().establish('skip');
    expect(first.created).toBe(true);
    expect(first.watermark).toMatchObject({
      position: head!.position,
      headRecordedAt: head!.recordedAt,
      basis: 'skip',
    });
    expect(Date.parse(first.watermark.establishedAt)).not.toBeNaN();

    await store.append('alert-h2', [raise('h2')], { expectedRevision: 'no-stream', actor: 'test' });
    for (const mode of ['skip', 'deliver'] as const) {
      expect(await watermarks().establish(mode)).toEqual({ watermark: first.watermark, created: false });
    }
  });

  test('two notifiers starting at once share one watermark', async () => {
    const { store, watermarks } = await open();
    await store.append('alert-c1', [raise('c1')], { expectedRevision: 'no-stream', actor: 'test' });
    const [a, b] = await Promise.all([watermarks().establish('skip'), watermarks().establish('skip')]);
    expect(a.watermark).toEqual(b.watermark);
    expect([a.created, b.created].filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(await watermarks().find()).toEqual(a.watermark);
  });

  test('a database where alerts were already delivered gets a watermark that holds nothing back', async () => {
    const { store, watermarks } = await open();
    await store.append('alert-u1', [raise('u1')], { expectedRevision: 'no-stream', actor: 'test' });
    const [delivered] = await store.readStream('alert-u1');
    await new SeenAlerts(database!.db).record({
      eventId: delivered!.eventId,
      eventType: 'AlertRaised',
      outcome: 'delivered',
      deliveries: [],
    });
    expect((await watermarks().establish('skip')).watermark).toMatchObject({ position: null, basis: 'continued' });
  });

  test('on commit/prepare positions the watermark is the head’s pair, and history is judged by the store’s order', async () => {
    const { store: sqlStore } = await open();
    const pairs = new CommitPreparePositionStore(sqlStore);
    // 17 events: the commit of the last needs one more hex digit than the first ones (…0f00 → …1000).
    for (let i = 0; i < 16; i++)
      await pairs.append(`alert-k${i}`, [raise(`k${i}`)], { expectedRevision: 'no-stream', actor: 'test' });
    const early = (await pairs.readAll({ maxCount: 1 }))[0];
    await pairs.append('alert-k16', [raise('k16')], { expectedRevision: 'no-stream', actor: 'test' });
    const head = (await pairs.headPosition())!;
    expect(head).toMatch(/^[0-9a-f]{16}\/[0-9a-f]{16}$/);

    const { watermark } = await new DeliveryWatermarks(database!.db, pairs).establish('skip');
    expect(watermark.position).toBe(head);
    expect(await new DeliveryWatermarks(database!.db, pairs).find()).toEqual(watermark);
    const order = (a: Position, b: Position) => pairs.comparePositions(a, b);
    expect(isHistoric(early!, watermark, 'skip', order)).toBe(true);
    expect(isHistoric({ position: head }, watermark, 'skip', order)).toBe(true);
    const { lastPosition } = await pairs.append('alert-k17', [raise('k17')], {
      expectedRevision: 'no-stream',
      actor: 'test',
    });
    expect(isHistoric({ position: lastPosition! }, watermark, 'skip', order)).toBe(false);
  });
});
