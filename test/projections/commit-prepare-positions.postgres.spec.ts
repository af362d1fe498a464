/**
 * The projections over an event store whose positions are not decimal numbers: the SQL store shown
 * with KurrentDB's commit/prepare pairs (test/support/commit-prepare-store.ts), on PostgreSQL. The
 * runner, a rebuild, the read-your-writes wait and the lag report must work with them, store them
 * as they are, and build the same read models as over the plain SQL store.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import {
  listParked,
  readCheckpoint,
  readCheckpoints,
  positionFromKey,
  positionKey,
  type EventStore,
  type Position,
  type SqlDatabase,
} from '#event-store';
import {
  READ_MODEL_PROJECTIONS,
  ProjectionLagError,
  ProjectionRunner,
  ProjectionStatus,
  ensureProjectionCheckpoint,
  ensureProjectionSchema,
  moveCheckpointAlone,
  rebuildProjection,
  silentLogger,
} from '#projections';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { Story } from './story.js';
import { appendMany, countingProjection, dumpReadModels, event, openStore, snapshot } from './support.js';

const PAIR = /^[0-9a-f]{16}\/[0-9a-f]{16}$/;
/** The pair the SQL store's n-th position is shown as. */
const pair = (n: number): Position => CommitPreparePositionStore.fromSql(String(n) as Position);
/** A plain SQL store's position key, as the commit/prepare store would have stored it. */
const asPairKey = (key: string): string => positionKey(CommitPreparePositionStore.fromSql(positionFromKey(key)));

/** The position column of the decisions read model, as stored. */
const decisionPositions = async (db: SqlDatabase): Promise<string[]> =>
  (await db.query<{ position: string }>('SELECT position FROM decisions ORDER BY position')).rows.map(
    (r) => r.position,
  );

interface World {
  database: TestDatabase;
  db: SqlDatabase;
  store: EventStore;
  story: Story;
  runner: ProjectionRunner;
  status: ProjectionStatus;
}

/** Every read model following `store` (the SQL store, or it wrapped by `show`), with the same story told. */
async function world(show: (store: EventStore) => EventStore): Promise<World> {
  const database = await postgresDriver.create();
  const story = new Story();
  const store = show(await openStore(database.db, story.clock));
  story.attach(store);
  const runner = new ProjectionRunner(database.db, store, READ_MODEL_PROJECTIONS, { logger: silentLogger });
  await runner.start();
  const status = new ProjectionStatus(database.db, store, READ_MODEL_PROJECTIONS, runner);
  await story.agreements();
  await story.board2015();
  // Last, so the decisions keep their positions (40, 41); the head is 46.
  await story.publications();
  await status.waitForPosition(story.last as Position, { timeoutMs: 20_000 });
  return { database, db: database.db, store, story, runner, status };
}

async function endWorld(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.status.close();
  await w.runner.stop();
  await w.store.close();
  await w.database.dispose();
}

postgresDriver.describe('read models over commit/prepare positions, on PostgreSQL', () => {
  let pairs: World;
  let plain: World;

  beforeAll(async () => {
    pairs = await world((store) => new CommitPreparePositionStore(store));
    plain = await world((store) => store);
  });
  afterAll(async () => {
    await endWorld(pairs);
    await endWorld(plain);
  });

  test('every read model equals the one built over the plain SQL store, with the pairs as its positions', async () => {
    expect(pairs.story.last).toMatch(PAIR);
    const built = await dumpReadModels(pairs.db);
    expect(Object.values(built).every((rows) => rows.length > 0)).toBe(true);
    expect(built).toEqual(await dumpReadModels(plain.db, asPairKey));
    expect(await decisionPositions(pairs.db)).toEqual([pair(40), pair(41)]);
  });

  test('checkpoints are stored as the pair text, read back as the store positions, and the lag is 0', async () => {
    const head = (await pairs.store.headPosition()) as Position;
    expect(head).toBe(pair(46));
    const { rows } = await pairs.db.query<{ name: string; position: string }>(
      "SELECT name, position FROM processor_checkpoints WHERE kind = 'projection' ORDER BY name",
    );
    expect(rows).toEqual(
      READ_MODEL_PROJECTIONS.map((p) => ({ name: p.name, position: head })).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    );
    expect((await readCheckpoints(pairs.db, 'projection')).map((c) => c.position)).toEqual(rows.map(() => head));

    const report = await pairs.status.report();
    expect(report.map((p) => [p.name, p.position, p.headPosition, p.lag])).toEqual(
      READ_MODEL_PROJECTIONS.map((p) => [p.name, head, head, 0]),
    );
    expect((await pairs.status.health()).healthy).toBe(true);
  });

  test('a read-your-writes wait past the checkpoints says how many events each projection is behind, until they catch up', async () => {
    const caughtUp = (await pairs.store.headPosition()) as Position;
    await pairs.runner.stop();
    await pairs.story.record('decision-d3', 'DecisionRecorded', '2016-01-13', {
      decisionId: 'd3',
      summary: 'Review the ICT memorandum',
      boardId: 'hants-tvp',
      meetingId: '2016-q4',
      agreementId: 'hants-tvp-ict',
    });
    await pairs.story
      .board('hants-tvp')
      .record('BoardMeetingScheduled', '2016-04-20', { meetingId: '2016-q1', scheduledFor: '2016-04-13' });
    const written = await pairs.story.board('hants-tvp').record('BoardMeetingCancelled', '2016-04-01', {
      meetingId: '2016-q1',
      reason: 'Purdah',
      scheduledFor: '2016-04-13',
    });

    const waited = await pairs.status.waitForPosition(written, { timeoutMs: 100 }).catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(ProjectionLagError);
    expect((waited as ProjectionLagError).lagging).toEqual(
      READ_MODEL_PROJECTIONS.map((p) => ({ name: p.name, position: caughtUp, behind: 3 })),
    );
    expect((await pairs.status.report()).map((p) => p.lag)).toEqual(READ_MODEL_PROJECTIONS.map(() => 3));

    pairs.runner = new ProjectionRunner(pairs.db, pairs.store, READ_MODEL_PROJECTIONS, { logger: silentLogger });
    await pairs.status.close();
    pairs.status = new ProjectionStatus(pairs.db, pairs.store, READ_MODEL_PROJECTIONS, pairs.runner);
    await pairs.runner.start();
    await pairs.status.waitForPosition(written, { timeoutMs: 10_000 });
    expect((await pairs.status.report()).map((p) => [p.position, p.lag])).toEqual(
      READ_MODEL_PROJECTIONS.map(() => [written, 0]),
    );
    expect(await decisionPositions(pairs.db)).toEqual([pair(40), pair(41), pair(47)]);
  });

  test('a rebuild over the pairs equals the live read models and leaves the pair checkpoint', async () => {
    const head = (await pairs.store.headPosition()) as Position;
    await pairs.status.waitForPosition(head, { timeoutMs: 10_000 });
    const live = await dumpReadModels(pairs.db);
    for (const projection of READ_MODEL_PROJECTIONS) {
      const result = await rebuildProjection(pairs.db, pairs.store, projection, { batchSize: 7 });
      expect(result).toMatchObject({ eventsRead: 49, position: head });
    }
    expect(await dumpReadModels(pairs.db)).toEqual(live);
    expect((await readCheckpoints(pairs.db, 'projection')).map((c) => c.position)).toEqual(
      READ_MODEL_PROJECTIONS.map(() => head),
    );
  });
});

postgresDriver.describe('checkpoint bookkeeping over commit/prepare positions, on PostgreSQL', () => {
  let database: TestDatabase;
  let store: EventStore;
  afterEach(async () => {
    await store.close();
    await database.dispose();
  });

  test('a poison event is parked at its pair, ignored batches move the checkpoint alone, and a rebuild swaps in at the head', async () => {
    database = await postgresDriver.create();
    const { db } = database;
    store = new CommitPreparePositionStore(await openStore(db));
    await appendMany(store, 10, 'a');
    const poison = await store.append('tick-poison', [event('Poisoned')], { expectedRevision: 'any', actor: 'test' });
    await appendMany(store, 10, 'b');
    for (let i = 0; i < 6; i++)
      await store.append('other-tail', [event('Ignored')], { expectedRevision: 'any', actor: 'test' });
    const head = (await store.headPosition()) as Position;
    expect(poison.lastPosition).toBe(pair(11));
    expect(head).toBe(pair(27));

    const projection = countingProjection({ failOn: (e) => e.type === 'Poisoned' });
    const runner = new ProjectionRunner(db, store, [projection], {
      batchSize: 5,
      retryDelayMs: 1,
      logger: silentLogger,
    });
    const status = new ProjectionStatus(db, store, [projection], runner);
    await runner.start();
    await status.waitForPosition(head, { timeoutMs: 10_000 });
    await runner.stop();
    await status.close();

    const live = await snapshot(db);
    expect(live).toEqual({
      counts: [
        { stream_kind: 'tick', events: 8 },
        { stream_kind: 'tock', events: 8 },
      ],
      applied: 16,
      duplicates: 0,
    });
    expect(await listParked(db, projection.name)).toEqual([
      expect.objectContaining({ position: pair(11), type: 'Poisoned' }),
    ]);
    const stored = await db.query<{ position: string }>('SELECT position FROM processor_parked');
    expect(stored.rows).toEqual([{ position: pair(11) }]);
    expect((await readCheckpoint(db, projection.name))?.position).toBe(head);

    const result = await rebuildProjection(db, store, projection, { batchSize: 4, retryDelayMs: 1 });
    expect(result).toMatchObject({ eventsRead: 27, eventsApplied: 16, parked: 1, position: head });
    expect(await snapshot(db)).toEqual(live);
    expect(await listParked(db, projection.name)).toEqual([
      expect.objectContaining({ position: pair(11), type: 'Poisoned' }),
    ]);
    const { rows } = await db.query<{ position: string }>(
      "SELECT position FROM processor_checkpoints WHERE kind = 'projection'",
    );
    expect(rows).toEqual([{ position: head }]);
  });

  test('moving the checkpoint alone compares pairs in log order', async () => {
    database = await postgresDriver.create();
    const { db } = database;
    store = new CommitPreparePositionStore(await openStore(db));
    const projection = countingProjection();
    await ensureProjectionSchema(db, [projection]);
    await ensureProjectionCheckpoint(db, projection);
    const at = async () => (await readCheckpoint(db, projection.name))?.position;
    // 0x0f00 < 0x1000: true in log order, and in the stored text only because the pairs are fixed width.
    expect(await moveCheckpointAlone(db, projection, pair(15), true)).toBe(true);
    expect(await moveCheckpointAlone(db, projection, pair(16), true)).toBe(true);
    expect(await at()).toBe(pair(16));
    expect(await moveCheckpointAlone(db, projection, pair(9), true)).toBe(false);
    expect(await at()).toBe(pair(16));
  });
});
