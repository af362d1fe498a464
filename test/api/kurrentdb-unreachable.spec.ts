import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EventStoreUnavailableError, KurrentDbEventStore } from '#event-store';
import { startApi, type ApiHarness } from './api-harness.js';
import { bodyOf, type HealthBody } from '../support/http.js';

/*
 * EVENT_STORE=kurrentdb with the node down. No KurrentDB server can be had here, but an unreachable
 * one can: the real client against a closed port fails as it would when a node is down. Writes and
 * reads answer 503 problem+json (try again), /health says what is down, and nothing is a 500.
 */

const UNREACHABLE = 'kurrentdb://127.0.0.1:1?tls=false';

describe('the KurrentDB adapter with its node unreachable', () => {
  test('appends and reads reject with EventStoreUnavailableError', async () => {
    const store = KurrentDbEventStore.connect(UNREACHABLE);
    try {
      const append = store.append('agreement-x', [{ type: 'AgreementDrafted', occurredAt: '2016-01-01', data: {} }], {
        expectedRevision: 'no-stream',
        actor: 'officer',
      });
      await expect(append).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.headPosition()).rejects.toThrow(/event store cannot be reached/);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('the service on an unreachable KurrentDB', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: UNREACHABLE });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  test('a write answers 503 problem+json with Retry-After, and nothing is recorded', async () => {
    const res = await api.admin.post('/agreements').send({
      id: 'zephyr-unreachable',
      title: 'Zephyr',
      legalBasis: 's22A',
      businessArea: 'Serious organised crime',
      deliveryModel: 'joint-unit',
      parties: ['avon-somerset', 'devon-cornwall'],
      occurredAt: '2016-01-01',
    });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ status: 503, code: 'event-store-unavailable' });
  }, 30_000);

  test('the audit trail answers 503, and /health reports the store and the projections down (to an administrator, with why)', async () => {
    expect((await api.admin.get('/events?limit=1')).status).toBe(503);
    const anyone = await api.http.get('/health');
    expect(anyone.status).toBe(503);
    expect(bodyOf<HealthBody>(anyone).error?.database).toMatchObject({ status: 'down', code: 'database-unavailable' });
    expect(bodyOf<HealthBody>(anyone).error?.projections.problems).toEqual([
      'projection status unavailable (code projection-status-unavailable)',
    ]);
    const health = await api.admin.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      code: 'unhealthy',
      detail: expect.stringMatching(/^Unhealthy: .*database.*projections|^Unhealthy: .*projections.*database/),
    });
    expect(bodyOf<HealthBody>(health).error?.database).toMatchObject({
      status: 'down',
      error: expect.stringMatching(/cannot be reached/),
    });
    expect(bodyOf<HealthBody>(health).error?.projections).toMatchObject({
      status: 'down',
      problems: [expect.stringMatching(/^projection status unavailable: The event store cannot be reached/)],
    });
  }, 30_000);
});
