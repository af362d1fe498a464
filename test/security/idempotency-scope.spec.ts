import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { scopedIdempotencyKey } from '../../apps/api/src/commands/request-context.js';
import { startApi, type ApiHarness, type Client } from '../api/api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, type AppendedBody } from '../support/http.js';
type Replayed = AppendedBody & { replayed: boolean };

/*
 * Idempotency keys are scoped to the principal who sent them (issuer and sub): one person's key
 * never touches another person's write, and a person's own retry still replays.
 */

const SECRET = 'idempotency-scope-test-secret-of-32-bytes';

const draft = (id: string) => ({
  id,
  title: `Collaboration ${id}`,
  legalBasis: 's22A',
  businessArea: 'roads policing',
  deliveryModel: 'host-force',
  parties: ['gwent', 'south-wales'],
  hostForce: 'gwent',
  occurredAt: '2015-04-01',
});

for (const driver of testDrivers) {
  driver.describe(`Idempotency-Key scope on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let officer: Client;
    let otherAdmin: Client;

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi({
        WORKERS: 'off',
        ...(database ? { DATABASE_URL: database.url as string, AUTH_JWT_SECRET: SECRET } : {}),
      });
      officer = api.client(await api.token({ sub: 'dai.jones', roles: ['officer'], force: 'gwent' }));
      otherAdmin = api.client(await api.token({ sub: 'ops.lead', roles: ['admin'] }));
    }, 60_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test("an officer's key does not refuse an administrator's unrelated write with the same key", async () => {
      const mine = await officer.post('/agreements').set('Idempotency-Key', 'shared-1').send(draft('gwent-roads'));
      expect({ status: mine.status, replayed: bodyOf<Replayed>(mine).replayed }).toEqual({
        status: 201,
        replayed: false,
      });
      const theirs = await api.admin
        .post('/bodies')
        .set('Idempotency-Key', 'shared-1')
        .send({ id: 'monmouth-trust', name: 'Monmouth Trust', kind: 'other' });
      expect({ status: theirs.status, replayed: bodyOf<Replayed>(theirs).replayed }).toEqual({
        status: 201,
        replayed: false,
      });
      expect(bodyOf<Replayed>(theirs).streamId).not.toBe(bodyOf<Replayed>(mine).streamId);
    });

    test('two people sending the same key with the same request both record it, each once', async () => {
      const first = await api.admin.post('/agreements').set('Idempotency-Key', 'same-1').send(draft('first-roads'));
      const second = await otherAdmin.post('/agreements').set('Idempotency-Key', 'same-1').send(draft('second-roads'));
      expect([first.status, second.status]).toEqual([201, 201]);
      expect([bodyOf<Replayed>(first).replayed, bodyOf<Replayed>(second).replayed]).toEqual([false, false]);
      expect(bodyOf<AppendedBody>(second).position).not.toBe(bodyOf<AppendedBody>(first).position);
    });

    test("a person's own retry with the same key still replays, and their own reuse for another request is refused naming their key", async () => {
      const again = await officer.post('/agreements').set('Idempotency-Key', 'shared-1').send(draft('gwent-roads'));
      expect({
        status: again.status,
        replayed: bodyOf<Replayed>(again).replayed,
        streamId: bodyOf<Replayed>(again).streamId,
      }).toEqual({
        status: 201,
        replayed: true,
        streamId: 'agreement-gwent-roads',
      });
      const reused = await officer.post('/agreements').set('Idempotency-Key', 'shared-1').send(draft('gwent-other'));
      expect(reused.status).toBe(422);
      expect(reused.body).toMatchObject({
        code: 'idempotency-key-reused',
        detail: 'Idempotency-Key shared-1 was already used for a different request.',
      });
    });
  });
}

test('the stored key differs by issuer and by sub, and never looks like a key the seed importer stores', () => {
  const person = { sub: 'jane.doe', roles: ['officer'] as const, force: 'gwent', issuer: 'governance-tracker' };
  const key = scopedIdempotencyKey(person, 'k');
  expect(scopedIdempotencyKey({ ...person, issuer: 'https://idp.example' }, 'k')).not.toBe(key);
  expect(scopedIdempotencyKey({ ...person, sub: 'jane.doe2' }, 'k')).not.toBe(key);
  expect(scopedIdempotencyKey({ ...person, force: 'dyfed-powys' }, 'k')).toBe(key);
  expect(key).toMatch(/^principal:[A-Za-z0-9_-]{43}$/);
});
