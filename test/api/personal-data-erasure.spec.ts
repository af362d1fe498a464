import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { SqlDatabase } from '#event-store';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, problemOf, type AppendedBody, type EventsBody } from '../support/http.js';

/*
 * Personal data that can be erased without breaking the chain (issue 18 item 5, docs/security.md):
 * names are stored only as envelopes under their person's key; POST /people/erasure destroys the key,
 * so every read shows "erased" while the hash chain still verifies.
 */

interface AgreementBody {
  signatures: { party: string; signedBy: string }[];
  parties: { id: string; signedBy: string | null }[];
}
interface BoardBody {
  terms: { chair: string };
  meetings: { meetingId: string; attendees: { name: string; body: string }[] | null }[];
}

for (const driver of testDrivers) {
  driver.describe(`erasing a person on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const ok = async (path: string, body: object) => {
      const res = await api.admin.post(path).send(body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
    };
    const storedData = async (): Promise<string> => {
      const { rows } = await api.app
        .get(SqlDatabase)
        .query<{ data: string }>('SELECT data::text AS data FROM events ORDER BY position');
      return rows.map((r) => r.data).join('\n');
    };
    const agreement = async () =>
      bodyOf<AgreementBody>(await api.admin.get(`/agreements/hampshire-tvp-bilateral?minPosition=${last}`).expect(200));
    const board = async () =>
      bodyOf<BoardBody>(await api.admin.get(`/boards/hampshire-tvp?minPosition=${last}`).expect(200));

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'personal-data-erasure-test-secret-32b!' } : {},
        { now: '2016-06-30T09:00:00.000Z' },
      );
      await ok('/agreements', {
        id: 'hampshire-tvp-bilateral',
        title: 'Hampshire/Thames Valley Bi-lateral Collaboration',
        legalBasis: 's22A',
        businessArea: 'roads policing',
        deliveryModel: 'joint-unit',
        parties: ['hampshire', 'thames-valley'],
        occurredAt: '2012-01-10',
      });
      await ok('/agreements/hampshire-tvp-bilateral/signatures', {
        party: 'hampshire',
        signedBy: 'Jane Smith',
        occurredAt: '2012-02-01',
      });
      await ok('/agreements/hampshire-tvp-bilateral/signatures', {
        party: 'thames-valley',
        signedBy: 'John Brown',
        occurredAt: '2012-02-02',
      });
      await ok('/boards', {
        id: 'hampshire-tvp',
        name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
        agreements: ['hampshire-tvp-bilateral'],
        chair: 'Alice Chairman',
        maxDaysBetweenMeetings: 92,
        quorum: 2,
        occurredAt: '2015-04-01',
      });
      await ok('/boards/hampshire-tvp/meetings', { meetingId: 'q1', scheduledFor: '2015-05-01' });
      await ok('/boards/hampshire-tvp/meetings/q1/held', {
        occurredAt: '2015-05-01',
        attendees: [
          { name: 'jane  SMITH', body: 'hampshire' },
          { name: 'Bob Other', body: 'thames-valley' },
        ],
      });
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('names read back in the clear, and the events table holds none of them', async () => {
      expect((await agreement()).signatures.map((s) => s.signedBy)).toEqual(['Jane Smith', 'John Brown']);
      expect((await board()).meetings[0]?.attendees?.map((a) => a.name)).toEqual(['jane  SMITH', 'Bob Other']);
      const stored = await storedData();
      for (const name of ['Jane', 'Smith', 'SMITH', 'John Brown', 'Alice Chairman', 'Bob Other'])
        expect(stored).not.toContain(name);
      expect(stored).toContain('$personal');
    });

    test('only an administrator may erase; bad input is a 400 naming the field; an unknown name is a 404', async () => {
      const officer = api.client(await api.token({ roles: ['officer'], force: 'hampshire' }));
      const refused = await officer.post('/people/erasure').send({ name: 'Jane Smith', reason: 'request 1' });
      expect(refused.status).toBe(403);
      const bad = await api.admin.post('/people/erasure').send({ name: '', reason: 'request 1' });
      expect(bad.status).toBe(400);
      expect(problemOf(bad).errors?.map((e) => e.field)).toContain('name');
      const unknown = await api.admin.post('/people/erasure').send({ name: 'Nobody Known', reason: 'request 1' });
      expect(unknown.status).toBe(404);
      expect(problemOf(unknown).code).toBe('person-not-found');
      expect((await agreement()).signatures.map((s) => s.signedBy)).toEqual(['Jane Smith', 'John Brown']);
    });

    test('erasure: every read shows "erased", others are unaffected, the chain still verifies', async () => {
      const res = await api.admin
        .post('/people/erasure')
        .send({ name: 'Jane Smith', reason: 'Erasure request 2026/14' });
      expect(res.status).toBe(201);
      const erased = bodyOf<{ personId: string; position: string; rebuilt: string[] }>(res);
      expect(erased.rebuilt).toEqual(expect.arrayContaining(['agreement-detail', 'board-compliance']));
      last = erased.position;

      const detail = await agreement();
      expect(detail.signatures.map((s) => s.signedBy)).toEqual(['erased', 'John Brown']);
      expect(detail.parties.find((p) => p.id === 'hampshire')?.signedBy).toBe('erased');
      const replayed = bodyOf<AgreementBody>(
        await api.admin.get('/agreements/hampshire-tvp-bilateral?asOf=2016-01-01').expect(200),
      );
      expect(replayed.signatures.map((s) => s.signedBy)).toEqual(['erased', 'John Brown']);
      const meeting = (await board()).meetings[0];
      expect(meeting?.attendees?.map((a) => a.name)).toEqual(['erased', 'Bob Other']);
      expect((await board()).terms.chair).toBe('Alice Chairman');

      const trail = bodyOf<EventsBody>(
        await api.admin.get('/streams/agreement-hampshire-tvp-bilateral/events').expect(200),
      );
      expect(trail.events.filter((e) => e.type === 'AgreementSigned').map((e) => e.data.signedBy)).toEqual([
        'erased',
        'John Brown',
      ]);
      const log = bodyOf<EventsBody>(await api.admin.get('/events?limit=1000').expect(200));
      expect(JSON.stringify(log.events)).not.toMatch(/smith/i);
      const record = log.events.find((e) => e.type === 'PersonErased');
      expect(record).toMatchObject({
        streamId: 'people',
        data: { personId: erased.personId, reason: 'Erasure request 2026/14' },
      });

      expect(bodyOf<{ ok: boolean }>(await api.admin.get('/integrity').expect(200)).ok).toBe(true);
      expect((await api.admin.post('/people/erasure').send({ name: 'Jane Smith', reason: 'again' })).status).toBe(404);
    });

    test('a name recorded after its erasure is a new person, readable until erased in turn', async () => {
      await ok('/boards/hampshire-tvp/meetings', { meetingId: 'q2', scheduledFor: '2015-08-01' });
      await ok('/boards/hampshire-tvp/meetings/q2/held', {
        occurredAt: '2015-08-01',
        attendees: [
          { name: 'Jane Smith', body: 'hampshire' },
          { name: 'Bob Other', body: 'thames-valley' },
        ],
      });
      const meetings = (await board()).meetings;
      expect(meetings.find((m) => m.meetingId === 'q1')?.attendees?.[0]?.name).toBe('erased');
      expect(meetings.find((m) => m.meetingId === 'q2')?.attendees?.[0]?.name).toBe('Jane Smith');
    });
  });
}
