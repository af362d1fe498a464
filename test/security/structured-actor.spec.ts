import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actorDisplay, actorText, EventStore, parseActor, SqlDatabase, type Actor } from '#event-store';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, firstEventOf, type AppendedBody } from '../support/http.js';

/*
 * The envelope's actor is stored as the canonical JSON of { kind, sub, force, issuer }, so a `sub`
 * with `:` or `(` in it cannot pass for a role or a force; reads return the structure and a text
 * for people. Text stored before stays as it is and is read back best-effort, marked legacy.
 */

const SECRET = 'structured-actor-test-secret-of-32-bytes';

describe('the actor text', () => {
  test('is sorted-key JSON that reads back as the same structure', () => {
    const actor = { kind: 'officer', sub: 'eve:admin (x)', force: 'gwent', issuer: 'governance-tracker' } as const;
    expect(actorText(actor)).toBe(
      '{"force":"gwent","issuer":"governance-tracker","kind":"officer","sub":"eve:admin (x)"}',
    );
    expect(parseActor(actorText(actor))).toEqual(actor);
  });

  test('two people whose old texts were the same are two actors now', () => {
    const colon = { kind: 'officer', sub: 'a:b', force: null, issuer: 'governance-tracker' } as const;
    const bracket = { kind: 'officer', sub: 'a', force: null, issuer: 'governance-tracker' } as const;
    expect(actorText(colon)).not.toBe(actorText({ ...bracket, sub: 'a:b (gwent)' }));
    expect(actorText({ ...bracket, sub: 'x (gwent)' })).not.toBe(actorText({ ...bracket, sub: 'x', force: 'gwent' }));
  });

  test.each([
    ['officer:jane.doe (thames-valley)', { kind: 'officer', sub: 'jane.doe', force: 'thames-valley', issuer: null }],
    ['admin:ops.lead', { kind: 'admin', sub: 'ops.lead', force: null, issuer: null }],
    ['system:compliance', { kind: 'system', sub: 'compliance', force: null, issuer: null }],
    [
      'system:import (collaborations.json)',
      { kind: 'system', sub: 'import', force: null, issuer: null, source: 'collaborations.json' },
    ],
    ['officer@hampshire', { kind: 'unknown', sub: 'officer@hampshire', force: null, issuer: null }],
    ['{not json', { kind: 'unknown', sub: '{not json', force: null, issuer: null }],
  ])('legacy text %j is parsed best-effort, marked legacy, and shown exactly as stored', (text, expected) => {
    const actor = parseActor(text);
    expect(actor).toEqual({ ...expected, legacyText: text });
    expect(actorDisplay(actor)).toBe(text);
  });
});

for (const driver of testDrivers) {
  driver.describe(`the actor through the API on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi({
        WORKERS: 'off',
        ...(database ? { DATABASE_URL: database.url as string, AUTH_JWT_SECRET: SECRET } : {}),
      });
    }, 60_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('a sub that looks like another role and force is recorded as exactly who sent it', async () => {
      const mallory = api.client(await api.token({ sub: 'officer:jane.doe (thames-valley)', roles: ['admin'] }));
      const written = await mallory.post('/bodies').send({ id: 'colon-trust', name: 'Colon Trust', kind: 'other' });
      expect(written.status).toBe(201);
      const event = firstEventOf(
        await api.admin.get(`/events?fromPosition=${bodyOf<AppendedBody>(written).firstPosition}&limit=1`),
      );
      expect(event.actor).toEqual({
        kind: 'admin',
        sub: 'officer:jane.doe (thames-valley)',
        force: null,
        issuer: 'governance-tracker',
      });
      expect(event.actorDisplay).toBe('admin:officer:jane.doe (thames-valley)');
      const { rows } = await api.app
        .get(SqlDatabase)
        .query<{ actor: string }>('SELECT actor FROM events WHERE position = $1', [
          bodyOf<AppendedBody>(written).firstPosition,
        ]);
      expect(rows[0]?.actor).toBe(actorText(event.actor as Actor));
    });

    test('an event recorded with text before keeps it, is read back parsed and marked legacy, and the chain still verifies', async () => {
      const legacy = await api.app
        .get(EventStore)
        .append('body-registry-legacy', [{ type: 'LegacyNote', occurredAt: '2015-01-01', data: {} }], {
          expectedRevision: 'no-stream',
          actor: 'officer:jane.doe (thames-valley)',
        });
      const event = firstEventOf(await api.admin.get(`/events?fromPosition=${legacy.firstPosition}&limit=1`));
      expect(event.actor).toEqual({
        kind: 'officer',
        sub: 'jane.doe',
        force: 'thames-valley',
        issuer: null,
        legacyText: 'officer:jane.doe (thames-valley)',
      });
      expect(event.actorDisplay).toBe('officer:jane.doe (thames-valley)');
      const integrity = await api.admin.get('/integrity');
      expect(integrity.status).toBe(200);
      expect(integrity.body).toMatchObject({ ok: true });
    });
  });
}
