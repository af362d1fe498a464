import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createEventStore } from '#event-store';
import { ensureProjectionSchema, READ_MODEL_PROJECTIONS, rebuildProjections } from '#projections';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { countStatements, statementsPerRequest, type StatementCounter } from '../support/statement-counter.js';
import { startApi, type ApiHarness } from './api-harness.js';

/*
 * Statements per request (issue 17): the SQL statements `GET /agreements/:id` and `POST /decisions` send to
 * PostgreSQL, counted at the `pg` client over 20 requests each, on an API with WORKERS=off (nothing else
 * queries meanwhile), as bench section 6 drives them: an admin token, the same agreement, a new decision each
 * time on the same board and agreement. Each figure is exact: a change that adds or removes a statement
 * fails here until the figure is changed with it (docs/benchmarks.md, "Statements per request"). Set
 * STATEMENTS_LOG=1 to print what each request sends.
 */

const REQUESTS = 20;

let database: TestDatabase;
let api: ApiHarness;
let counter: StatementCounter;

const created = async (path: string, body: object) => {
  const res = await api.admin.post(path).send(body);
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
};

const show = (label: string, texts: readonly string[]) => {
  if (process.env.STATEMENTS_LOG === '1')
    process.stdout.write(`${label}:\n${texts.map((t) => `  ${t.slice(0, 160)}`).join('\n')}\n`);
};

postgresDriver.describe('statements per request on PostgreSQL (issue 17)', () => {
  beforeAll(async () => {
    database = await postgresDriver.create();
    await database.db.close();
    api = await startApi(
      {
        DATABASE_URL: database.url as string,
        AUTH_JWT_SECRET: 'statements-per-request-test-secret-32-bytes',
        WORKERS: 'off',
      },
      { now: '2016-06-30T09:00:00.000Z' },
    );
    await created('/agreements', {
      id: 'a1',
      title: 'Joint firearms training',
      legalBasis: 's22A',
      businessArea: 'firearms',
      deliveryModel: 'joint-unit',
      parties: ['hampshire', 'thames-valley'],
      occurredAt: '2012-01-10',
    });
    await created('/boards', {
      id: 'b1',
      name: 'Joint firearms board',
      agreements: ['a1'],
      chair: 'Police and Crime Commissioner for Thames Valley',
      maxDaysBetweenMeetings: 92,
      quorum: 2,
      occurredAt: '2015-04-01',
    });
    await created('/boards/b1/meetings', { meetingId: 'm1', scheduledFor: '2015-06-10' });
    // WORKERS=off runs no projection: the read models are built once, as bench section 6 does.
    const built = await createEventStore({ databaseUrl: database.url as string });
    try {
      await ensureProjectionSchema(built.db, READ_MODEL_PROJECTIONS);
      await rebuildProjections(built.db, built.store, READ_MODEL_PROJECTIONS);
    } finally {
      await built.db.close();
    }
    counter = countStatements();
    // One of each first, so what is cached after a first request (folded streams, read-model versions) is.
    await api.admin.get('/agreements/a1').expect(200);
    await created('/decisions', decision('warm-up'));
  }, 120_000);

  afterAll(async () => {
    counter?.uninstall();
    await api?.close();
    await database?.dispose();
  }, 60_000);

  const decision = (id: string) => ({
    id,
    summary: 'The board agreed to extend the joint firearms training unit.',
    boardId: 'b1',
    meetingId: 'm1',
    agreementId: 'a1',
    occurredAt: '2016-03-03',
  });

  test('the counter counts what reaches PostgreSQL: a query is one statement, a transaction adds BEGIN and COMMIT', async () => {
    const db = await database.connect();
    try {
      const { perRequest, texts } = await statementsPerRequest(counter, REQUESTS, () =>
        db.transaction((tx) => tx.query('SELECT $1::int AS n', [1])),
      );
      expect(perRequest).toBe(3);
      expect(texts.slice(0, 3)).toEqual(['BEGIN', 'SELECT $1::int AS n', 'COMMIT']);
    } finally {
      await db.close();
    }
  });

  test('GET /agreements/:id sends 5 statements', async () => {
    const { perRequest, texts } = await statementsPerRequest(counter, REQUESTS, () =>
      api.admin.get('/agreements/a1').expect(200),
    );
    show('GET /agreements/a1', texts.slice(0, texts.length / REQUESTS));
    expect(perRequest).toBe(5);
  });

  test('POST /decisions sends 4 statements', async () => {
    const { perRequest, texts } = await statementsPerRequest(counter, REQUESTS, (n) =>
      api.admin
        .post('/decisions')
        .send(decision(`d-${n}`))
        .expect(201),
    );
    show('POST /decisions', texts.slice(0, texts.length / REQUESTS));
    expect(perRequest).toBe(4);
  });
});
