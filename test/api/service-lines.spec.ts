import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApi, type ApiHarness, Writes } from './api-harness.js';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { bodyOf, eventsOf, problemOf } from '../support/http.js';

/*
 * Service lines that end while the agreement goes on, and units that end with their parent (issue 15 item 3), through
 * real HTTP on PGlite and PostgreSQL. Seed 002 (Avon and Somerset panel, July 2018): the tri-force armed policing,
 * dogs and roads unit breaks up; dogs and roads go back to the three forces, firearms goes on.
 */

interface ServiceLineBody {
  serviceLineId: string;
  name: string;
  from: string;
  until: string | null;
  endReason: string | null;
}
interface AgreementBody {
  status: string;
  terminatedOn: string | null;
  serviceLines: ServiceLineBody[];
}

const TRI_FORCE = ['avon-somerset', 'gloucestershire', 'wiltshire'];

for (const driver of testDrivers) {
  driver.describe(`service lines and units on ${driver.name}`, () => {
    let database: TestDatabase | null = null;
    let api: ApiHarness;
    const writes = new Writes(() => api);
    const post = (path: string, body: object) => writes.post(path, body);
    const ok = async (path: string, body: object) => {
      const res = await post(path, body);
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    };
    const read = async (id: string, query = '') => {
      const res = await api.admin.get(`/agreements/${id}?minPosition=${writes.last}${query}`);
      expect(res.status).toBe(200);
      return bodyOf<AgreementBody>(res);
    };
    const inForce = async (id: string, parties: string[], on: string, parentId?: string) => {
      await ok('/agreements', {
        id,
        title: `Agreement ${id}`,
        legalBasis: 's22A',
        businessArea: 'specialist operations',
        deliveryModel: 'joint-unit',
        parties,
        occurredAt: on,
        ...(parentId === undefined ? {} : { parentId }),
      });
      for (const party of parties) {
        await ok(`/agreements/${id}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: on });
        await ok(`/agreements/${id}/pcc-approvals`, { party, occurredAt: on });
      }
      await ok(`/agreements/${id}/commencement`, { occurredAt: on });
    };

    beforeAll(async () => {
      if (driver.name === 'postgres') {
        database = await driver.create();
        await database.db.close();
      }
      api = await startApi(
        database?.url ? { DATABASE_URL: database.url, AUTH_JWT_SECRET: 'service-lines-test-secret-of-32-bytes!' } : {},
        { now: '2019-06-30T09:00:00.000Z' },
      );
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await database?.dispose();
    }, 60_000);

    test('the tri-force story: dogs and roads end on a day while firearms and the agreement go on', async () => {
      await inForce('tri-force', TRI_FORCE, '2015-04-01');
      for (const [serviceLineId, name] of [
        ['firearms', 'Armed policing'],
        ['dogs', 'Dogs'],
        ['roads', 'Roads policing'],
      ])
        await ok('/agreements/tri-force/service-lines', { serviceLineId, name, occurredAt: '2015-04-01' });
      for (const line of ['dogs', 'roads'])
        await ok(`/agreements/tri-force/service-lines/${line}/ending`, {
          reason: 'Back to the three forces (panel link member report, July 2018)',
          occurredAt: '2018-07-02',
        });

      const now = await read('tri-force');
      expect(now.status).toBe('in-force');
      expect(now.serviceLines).toEqual([
        { serviceLineId: 'firearms', name: 'Armed policing', from: '2015-04-01', until: null, endReason: null },
        {
          serviceLineId: 'dogs',
          name: 'Dogs',
          from: '2015-04-01',
          until: '2018-07-02',
          endReason: 'Back to the three forces (panel link member report, July 2018)',
        },
        {
          serviceLineId: 'roads',
          name: 'Roads policing',
          from: '2015-04-01',
          until: '2018-07-02',
          endReason: 'Back to the three forces (panel link member report, July 2018)',
        },
      ]);
      const before = await read('tri-force', '&asOf=2018-07-01');
      expect(before.serviceLines.map((l) => [l.serviceLineId, l.until])).toEqual([
        ['firearms', null],
        ['dogs', null],
        ['roads', null],
      ]);
      const after = await read('tri-force', '&asOf=2018-07-02');
      expect(after.serviceLines.map((l) => l.serviceLineId)).toEqual(['firearms']);
      // Before it was drafted the agreement was not there at all.
      expect((await api.admin.get(`/agreements/tri-force?asOf=2015-03-31&minPosition=${writes.last}`)).status).toBe(
        404,
      );
    });

    test('a line is ended once, a hostile id is never found, and bad input is a 4xx naming the field', async () => {
      const again = await post('/agreements/tri-force/service-lines/dogs/ending', { reason: 'Again' });
      expect(again.status).toBe(409);
      expect(problemOf(again).code).toBe('service-line-already-ended');
      const twice = await post('/agreements/tri-force/service-lines', { serviceLineId: 'dogs', name: 'Dogs' });
      expect(twice.status).toBe(409);
      expect(problemOf(twice).code).toBe('service-line-already-exists');

      for (const sid of ['constructor', 'toString', 'hasOwnProperty']) {
        const res = await post(`/agreements/tri-force/service-lines/${sid}/ending`, { reason: 'r' });
        expect({ sid, status: res.status, code: problemOf(res).code }).toEqual({
          sid,
          status: 404,
          code: 'service-line-not-found',
        });
      }
      for (const [path, body, field, status] of [
        ['/agreements/tri-force/service-lines/__proto__/ending', { reason: 'r' }, 'sid', 400],
        ['/agreements/tri-force/service-lines', { serviceLineId: '__proto__', name: 'Dogs' }, 'serviceLineId', 400],
        ['/agreements/tri-force/service-lines', { serviceLineId: 'horses', name: '' }, 'name', 400],
        ['/agreements/tri-force/service-lines', { serviceLineId: 'horses' }, 'name', 400],
        [
          '/agreements/tri-force/service-lines',
          { serviceLineId: 'horses', name: 'Horses', occurredAt: '2015-02-30' },
          'occurredAt',
          400,
        ],
        [
          '/agreements/tri-force/service-lines',
          { serviceLineId: 'horses', name: 'Horses', occurredAt: '2014-01-01' },
          'occurredAt',
          422,
        ],
        ['/agreements/tri-force/service-lines/firearms/ending', {}, 'reason', 400],
        [
          '/agreements/tri-force/service-lines/firearms/ending',
          { reason: 'r', occurredAt: '2015-04-01' },
          'occurredAt',
          422,
        ],
        [
          '/agreements/tri-force/termination',
          { reason: 'r', occurredAt: '2019-01-01', endUnits: 'yes' },
          'endUnits',
          400,
        ],
      ] as const) {
        const res = await post(path, body);
        expect({ path, status: res.status }).toEqual({ path, status });
        expect(JSON.stringify(problemOf(res))).toContain(field);
      }
      expect((await read('tri-force')).serviceLines.map((l) => l.serviceLineId)).toEqual(['firearms', 'dogs', 'roads']);
    });

    test('a parent with a unit in force is refused termination, naming endUnits, and nothing is written', async () => {
      await inForce('zephyr', ['avon-somerset', 'gloucestershire', 'wiltshire', 'devon-cornwall'], '2014-04-01');
      await inForce('zephyr-rart', ['avon-somerset', 'gloucestershire'], '2014-05-01', 'zephyr');
      await inForce('zephyr-riu', ['gloucestershire', 'wiltshire'], '2014-05-01', 'zephyr');
      const refused = await post('/agreements/zephyr/termination', { reason: 'Replaced', occurredAt: '2019-03-31' });
      expect(refused.status).toBe(409);
      expect(problemOf(refused)).toMatchObject({ code: 'units-in-force' });
      expect(problemOf(refused).errors?.[0]).toMatchObject({ field: 'endUnits' });
      expect(problemOf(refused).detail).toContain('Agreement zephyr-rart');
      expect((await read('zephyr')).status).toBe('in-force');
      expect((await read('zephyr-rart')).status).toBe('in-force');
    });

    test('a parent terminated with endUnits ends its units in force first, one termination each', async () => {
      // A unit already terminated is not ended again; a drafted one is not in force, so it is left as it is.
      await ok('/agreements/zephyr-riu/termination', { reason: 'Merged into the ROCU', occurredAt: '2017-01-01' });
      await ok('/agreements', {
        id: 'zephyr-fraud',
        title: 'Zephyr fraud unit',
        legalBasis: 's22A',
        businessArea: 'fraud',
        deliveryModel: 'joint-unit',
        parties: ['avon-somerset', 'wiltshire'],
        parentId: 'zephyr',
        occurredAt: '2018-01-01',
      });
      await ok('/agreements/zephyr/termination', { reason: 'Replaced', occurredAt: '2019-03-31', endUnits: true });

      const parent = await read('zephyr');
      expect([parent.status, parent.terminatedOn]).toEqual(['terminated', '2019-03-31']);
      const rart = await read('zephyr-rart');
      expect([rart.status, rart.terminatedOn]).toEqual(['terminated', '2019-03-31']);
      expect((await read('zephyr-riu')).terminatedOn).toBe('2017-01-01');
      expect((await read('zephyr-fraud')).status).toBe('drafted');

      const events = eventsOf(await api.admin.get('/streams/agreement-zephyr-rart/events'));
      const terminations = events.filter((e) => e.type === 'AgreementTerminated');
      expect(terminations).toHaveLength(1);
      expect(terminations[0]!.data).toMatchObject({ agreementId: 'zephyr-rart', reason: 'Replaced' });
      const parentEvents = eventsOf(await api.admin.get('/streams/agreement-zephyr/events'));
      const parentTermination = parentEvents.find((e) => e.type === 'AgreementTerminated')!;
      // Units first, parent last, in one request.
      expect(BigInt(terminations[0]!.position)).toBeLessThan(BigInt(parentTermination.position));
      expect(parentTermination['correlationId']).toEqual(expect.any(String));
      expect(terminations[0]!['correlationId']).toBe(parentTermination['correlationId']);
    });

    test('a running service line ends with its agreement', async () => {
      await ok('/agreements/tri-force/termination', {
        reason: 'Firearms hosted by Avon and Somerset',
        occurredAt: '2019-04-01',
      });
      const ended = await read('tri-force');
      expect(ended.serviceLines.find((l) => l.serviceLineId === 'firearms')).toMatchObject({
        until: '2019-04-01',
        endReason: 'Firearms hosted by Avon and Somerset',
      });
      expect((await read('tri-force', '&asOf=2019-04-01')).serviceLines).toEqual([]);
      const late = await post('/agreements/tri-force/service-lines', { serviceLineId: 'drones', name: 'Drones' });
      expect(late.status).toBe(409);
      expect(problemOf(late).code).toBe('agreement-terminated');
    });
  });
}
