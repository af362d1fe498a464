import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { bodyOf, type HealthBody, type AgreementSummaryBody } from '../support/http.js';

/*
 * Issue 3's done-when through HTTP: a service started with IMPORT_ON_START on the seed file shows
 * the Gloucestershire register's collaborations for Gloucestershire and the South West ones for Dorset.
 */

let api: ApiHarness;
let head: string;

beforeAll(async () => {
  // The seed documents speak as of 2017 (Gloucestershire) and 2023 (Gwent): facts cannot be in the future.
  api = await startApi({ IMPORT_ON_START: 'seeds/collaborations.json' }, { now: '2024-01-01T09:00:00.000Z' });
  head = bodyOf<HealthBody>(await api.admin.get('/health')).details.database.headPosition ?? 'none';
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe('the seed collaborations, imported on start', () => {
  test('Gloucestershire belongs to the collaborations of its register', async () => {
    const res = await api.admin.get(`/bodies/gloucestershire/collaborations?asOf=2018-01-01&minPosition=${head}`);
    expect(res.status).toBe(200);
    const ids = bodyOf<{ collaborations: AgreementSummaryBody[] }>(res).collaborations.map(
      (c: { agreementId: string }) => c.agreementId,
    );
    expect(ids.length).toBeGreaterThanOrEqual(19);
    expect(ids).toEqual(expect.arrayContaining(['zephyr', 'brunel-mcit']));
  });

  test('Dorset is a party to the South West collaborations', async () => {
    const res = await api.admin.get(`/agreements?party=dorset&minPosition=${head}`);
    expect(res.status).toBe(200);
    const titles = bodyOf<{ agreements: AgreementSummaryBody[] }>(res)
      .agreements.map((a: { title: string }) => a.title)
      .join(' | ');
    expect(titles).toMatch(/Zephyr/);
    expect(
      bodyOf<{ agreements: AgreementSummaryBody[] }>(res).agreements.every((a: { parties: { id: string }[] }) =>
        a.parties.some((p) => p.id === 'dorset'),
      ),
    ).toBe(true);
  });

  test('starting again on the same data imports nothing twice', async () => {
    await api.restart();
    expect(bodyOf<HealthBody>(await api.admin.get('/health')).info?.database.headPosition).toBe(head);
  });
});
