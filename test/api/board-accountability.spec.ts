import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, problemOf, type AppendedBody } from '../support/http.js';

/*
 * Board accountability through the API (issue 16 item 4): a board's kind, its members by role and its quorum by
 * role, a meeting judged against that quorum, and the agreements a board oversees changing over time, on both
 * databases and through a rebuild of the read model.
 */

interface BoardBody {
  boardId: string;
  agreementIds: string[];
  accountability: {
    kind: string;
    members: { role: string; name: string; body: string }[];
    quorumByRole: object;
  } | null;
  oversight: { agreementId: string; from: string; until: string | null }[];
}

const MEMBERS = [
  { role: 'pcc', name: 'Police and Crime Commissioner for Thames Valley', body: 'thames-valley' },
  { role: 'pcc', name: 'Police and Crime Commissioner for Hampshire', body: 'hampshire' },
  { role: 'chief-officer', name: 'Chief Constable of Thames Valley Police', body: 'thames-valley' },
  { role: 'chief-officer', name: 'Chief Constable of Hampshire Constabulary', body: 'hampshire' },
];

for (const driver of testDrivers) {
  driver.describe(`board accountability on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    let last = '0';
    const post = async (path: string, body: object) => {
      const res = await api.admin.post(path).send(body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      last = bodyOf<AppendedBody>(res).position;
    };
    const board = async (id: string) => bodyOf<BoardBody>(await api.admin.get(`/boards/${id}?minPosition=${last}`));
    const draft = (id: string) =>
      post('/agreements', {
        id,
        title: `Agreement ${id}`,
        legalBasis: 's22A',
        businessArea: 'ICT',
        deliveryModel: 'joint-unit',
        parties: ['hampshire', 'thames-valley'],
        occurredAt: '2012-01-10',
      });

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      const secret = 'board-accountability-test-secret-32-bytes!';
      api = await startApi(database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: secret } : {}, {
        now: '2016-06-01T09:00:00.000Z',
      });
      await draft('bilateral');
      await draft('ict');
      await post('/boards', {
        id: 'joint-board',
        name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
        agreements: ['bilateral'],
        chair: 'Police and Crime Commissioner for Thames Valley',
        maxDaysBetweenMeetings: 92,
        quorum: 2,
        occurredAt: '2015-04-01',
        accountability: { kind: 'joint-accountability', members: MEMBERS, quorumByRole: { pcc: 2 } },
      });
    });

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    });

    test('a board established with its kind, members and quorum by role shows them', async () => {
      const b = await board('joint-board');
      expect(b.accountability).toEqual({ kind: 'joint-accountability', members: MEMBERS, quorumByRole: { pcc: 2 } });
      expect(b.oversight).toEqual([{ agreementId: 'bilateral', from: '2015-04-01', until: null }]);
    });

    test('a meeting with both forces but no PCC is inquorate under a quorum of two PCCs', async () => {
      await post('/boards/joint-board/meetings', { meetingId: 'q1', scheduledFor: '2015-06-10' });
      await post('/boards/joint-board/meetings/q1/held', {
        occurredAt: '2015-06-10',
        attendees: [
          { name: 'Chief Constable, Hampshire', body: 'hampshire', role: 'chief-officer' },
          { name: 'Chief Constable, Thames Valley', body: 'thames-valley', role: 'chief-officer' },
        ],
      });
      await post('/boards/joint-board/meetings', { meetingId: 'q2', scheduledFor: '2015-09-10' });
      await post('/boards/joint-board/meetings/q2/held', {
        occurredAt: '2015-09-10',
        attendees: [
          { name: 'PCC for Hampshire', body: 'hampshire', role: 'pcc' },
          { name: 'PCC for Thames Valley', body: 'thames-valley', role: 'pcc' },
        ],
      });
      const res = await api.admin.get(`/boards/joint-board?minPosition=${last}`);
      expect(res.status).toBe(200);
      const meetings = (res.body as { meetings: { meetingId: string; quorate: boolean }[] }).meetings;
      expect(meetings.map((m) => [m.meetingId, m.quorate])).toEqual([
        ['q1', false],
        ['q2', true],
      ]);
    });

    test('an agreement added and another removed later: the board oversees the new one, and keeps the history', async () => {
      await post('/boards/joint-board/oversight', { agreementId: 'ict', change: 'added', occurredAt: '2015-10-01' });
      await post('/boards/joint-board/oversight', {
        agreementId: 'bilateral',
        change: 'removed',
        occurredAt: '2016-03-31',
      });
      const b = await board('joint-board');
      expect(b.agreementIds).toEqual(['ict']);
      expect(b.oversight).toEqual([
        { agreementId: 'bilateral', from: '2015-04-01', until: '2016-03-31' },
        { agreementId: 'ict', from: '2015-10-01', until: null },
      ]);
      const overseeing = await api.admin.get(`/boards?agreementId=ict&minPosition=${last}`);
      expect((overseeing.body as { boards: { boardId: string }[] }).boards.map((x) => x.boardId)).toEqual([
        'joint-board',
      ]);
    });

    test('the accountability can be set later, replacing the profile', async () => {
      await post('/boards/joint-board/accountability', { kind: 'programme', occurredAt: '2016-04-01' });
      expect((await board('joint-board')).accountability).toEqual({ kind: 'programme', members: [], quorumByRole: {} });
    });

    test('refusals name the field and the rule, and write nothing', async () => {
      const cases: [string, object, number, string][] = [
        ['/boards/joint-board/accountability', { kind: 'steering' }, 400, 'kind'],
        ['/boards/joint-board/accountability', { kind: 'programme', quorumByRole: { mayor: 1 } }, 400, 'quorumByRole'],
        [
          '/boards/joint-board/accountability',
          { kind: 'programme', members: [MEMBERS[0]], quorumByRole: { pcc: 2 } },
          422,
          'accountability.quorumByRole',
        ],
        [
          '/boards/joint-board/accountability',
          { kind: 'programme', members: [{ role: 'pcc', name: 'X', body: 'atlantis' }] },
          422,
          'members[0].body',
        ],
        ['/boards/joint-board/oversight', { agreementId: 'ict', change: 'swapped' }, 400, 'change'],
        ['/boards/joint-board/oversight', { agreementId: 'constructor', change: 'added' }, 404, 'agreementId'],
        ['/boards/joint-board/oversight', { agreementId: 'ict', change: 'removed' }, 409, 'agreementId'],
        [
          '/boards/joint-board/oversight',
          { agreementId: 'bilateral', change: 'added', occurredAt: '2014-01-01' },
          422,
          'occurredAt',
        ],
      ];
      const before = (await api.admin.get('/events?limit=1000')).body as { events: unknown[] };
      for (const [path, body, status, field] of cases) {
        const res = await api.admin.post(path).send(body);
        expect([path, JSON.stringify(body), res.status]).toEqual([path, JSON.stringify(body), status]);
        const fields = (problemOf(res).errors ?? []).map((e: { field: string }) => e.field);
        expect([JSON.stringify(body), fields.some((f: string) => f.startsWith(field))]).toEqual([
          JSON.stringify(body),
          true,
        ]);
      }
      const after = (await api.admin.get('/events?limit=1000')).body as { events: unknown[] };
      expect(after.events.length).toBe(before.events.length);
    });
  });
}
