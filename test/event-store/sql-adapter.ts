/**
 * Tests of the SQL adapter beyond the port contract: drivers, migrations, the append lock,
 * group commit. Run against each driver by its spec file.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  APPEND_LOCK_KEY,
  ConcurrencyError,
  DuplicateEventIdError,
  GENESIS_HASH,
  MigrationChangedError,
  SqlDatabase,
  SqlEventStore,
  canonicalJson,
  migrateEventStore,
  runMigrations,
  hashEvent,
  readChainPage,
  verifyLog,
  type Position,
  type SqlExecutor,
  type StoredEvent,
} from '#event-store';
import {
  beforePositionSql,
  hashPrepared,
  prepareEventHash,
  prepareEventHashAroundData,
} from '../../libs/event-store/src/integrity/event-hash.js';
import type { TestDatabase, TestDriver } from '../support/db.js';

const ACTOR = 'clerk@hampshire.pnn.police.uk';
const event = (data: unknown = {}) => ({ type: 'BoardMeetingHeld', occurredAt: '2016-03-03', data });

/** Counts transactions and can make the next one fail: observes group commit from outside. */
export class ObservedDatabase extends SqlDatabase {
  transactions = 0;
  /** Every statement sent outside a transaction, and every transaction (each at least one round trip). */
  roundTrips = 0;
  /** Group-commit batches written (calls of the append function). */
  appendBatches = 0;
  failNext: Error | null = null;
  /** Reads of the log by position (what subscriptions send). */
  logReads = 0;
  /** When set, the answer to the next read of the log is held until it resolves. */
  holdNextLogRead: Promise<void> | null = null;
  constructor(private readonly inner: SqlDatabase) {
    super();
  }
  get kind() {
    return this.inner.kind;
  }
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    this.roundTrips++;
    if (sql.includes('WHERE position > $1')) {
      this.logReads++;
      const hold = this.holdNextLogRead;
      this.holdNextLogRead = null;
      // The statement runs now; only its answer waits.
      if (hold) return this.inner.query<Row>(sql, params).then(async (result) => (await hold, result));
    }
    if (sql.includes('event_store_append')) {
      this.appendBatches++;
      const failure = this.failNext;
      this.failNext = null;
      // The statement runs, then its commit fails: nothing it wrote may stay.
      if (failure) {
        return this.inner.transaction(async (tx) => {
          await tx.query(sql, params);
          throw failure;
        });
      }
    }
    return this.inner.query<Row>(sql, params);
  }
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.roundTrips++;
    this.transactions++;
    const failure = this.failNext;
    this.failNext = null;
    return this.inner.transaction(async (tx) => {
      const result = await work(tx);
      if (failure) throw failure;
      return result;
    });
  }
  connections() {
    return this.inner.connections();
  }
  listen(channel: string, onNotify: (payload: string) => void) {
    return this.inner.listen(channel, onNotify);
  }
  async close(): Promise<void> {}
}

export function sqlAdapterSuite(driver: TestDriver): void {
  driver.describe(`SQL event store on ${driver.name}`, () => {
    let database: TestDatabase;
    let db: SqlDatabase;

    beforeAll(async () => {
      database = await driver.create();
      db = database.db;
      await migrateEventStore(db);
    });
    afterAll(async () => {
      await database?.dispose();
    });

    describe('driver', () => {
      test('reads int8 and numeric as strings, dates as YYYY-MM-DD, timestamps as ISO UTC with milliseconds, jsonb parsed', async () => {
        const { rows } = await db.query(
          `SELECT 9007199254740993::int8 AS big, 12.50::numeric AS amount, '2016-03-31'::date AS day,
                  '2016-03-03 10:00:00.123456+01'::timestamptz AS at, '2016-03-03 10:00:00'::timestamptz AS whole,
                  '2016-03-03 10:00:00.5'::timestamp AS local, '{"a":[1,{"b":null}]}'::jsonb AS doc,
                  ARRAY['2016-03-03 10:00:00+00'::timestamptz] AS ats, ARRAY[1::int8, 2] AS bigs,
                  current_setting('TimeZone') AS zone, 1::int4 AS small, $1::text AS param`,
          ['p'],
        );
        expect(rows[0]).toEqual({
          big: '9007199254740993',
          amount: '12.50',
          day: '2016-03-31',
          at: '2016-03-03T09:00:00.123Z',
          whole: '2016-03-03T10:00:00.000Z',
          local: '2016-03-03T10:00:00.500Z',
          doc: { a: [1, { b: null }] },
          ats: ['2016-03-03T10:00:00.000Z'],
          bigs: ['1', '2'],
          zone: 'UTC',
          small: 1,
          param: 'p',
        });
      });

      test('a query without parameters may be a script; its result is the last statement', async () => {
        const { rows } = await db.query('SELECT 1 AS a; SELECT 2 AS b');
        expect(rows).toEqual([{ b: 2 }]);
      });

      test('a transaction commits when work resolves and rolls back when it throws', async () => {
        await db.query('CREATE TABLE IF NOT EXISTS tx_probe (id text PRIMARY KEY)');
        await db.transaction((tx) => tx.query('INSERT INTO tx_probe VALUES ($1)', ['kept']));
        await expect(
          db.transaction(async (tx) => {
            await tx.query('INSERT INTO tx_probe VALUES ($1)', ['dropped']);
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        const { rows } = await db.query<{ id: string }>('SELECT id FROM tx_probe ORDER BY id');
        expect(rows.map((r) => r.id)).toEqual(['kept']);
        const { rowCount } = await db.query('UPDATE tx_probe SET id = id');
        expect(rowCount).toBe(1);
      });

      test('a NOTIFY from another connection reaches a listener', async () => {
        const other = await database.connect();
        const payloads: string[] = [];
        const unlisten = await db.listen('probe_channel', (p) => payloads.push(p));
        await other.query(`SELECT pg_notify('probe_channel', 'hello')`);
        await waitFor(() => payloads.includes('hello'));
        await unlisten();
        await other.query(`SELECT pg_notify('probe_channel', 'after')`);
        await new Promise((r) => setTimeout(r, 200));
        expect(payloads).not.toContain('after');
      });
    });

    describe('migrations', () => {
      test('running them again, or from several connections at once, applies nothing twice', async () => {
        await expect(migrateEventStore(db)).resolves.toEqual([]);
        const others = await Promise.all([1, 2, 3].map(() => database.connect()));
        const extra = [
          {
            id: `test/${randomUUID()}`,
            sql: 'CREATE TABLE IF NOT EXISTS migration_probe (n int); INSERT INTO migration_probe VALUES (1);',
          },
        ];
        const applied = await Promise.all(others.map((o) => runMigrations(o, extra)));
        expect(applied.flat()).toEqual([extra[0]!.id]);
        const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM migration_probe');
        expect(rows[0]!.n).toBe('1');
      });

      test('a migration whose script changed after it was applied stops the start', async () => {
        const id = `test/${randomUUID()}`;
        await runMigrations(db, [{ id, sql: 'SELECT 1' }]);
        await expect(runMigrations(db, [{ id, sql: '  SELECT\n 1 ' }])).resolves.toEqual([]);
        await expect(runMigrations(db, [{ id, sql: 'SELECT 2' }])).rejects.toBeInstanceOf(MigrationChangedError);
      });

      test('a failing migration applies none of the pending steps', async () => {
        const ok = { id: `test/${randomUUID()}`, sql: 'CREATE TABLE half_applied (n int)' };
        const bad = { id: `test/${randomUUID()}`, sql: 'SELECT no_such_column FROM half_applied' };
        await expect(runMigrations(db, [ok, bad])).rejects.toThrow();
        const { rows } = await db.query(`SELECT to_regclass('half_applied') AS t`);
        expect(rows[0]!.t).toBeNull();
      });
    });

    describe('appends', () => {
      test('recordedAt comes from the injected clock, stored and read back identically', async () => {
        const store = new SqlEventStore(db, { clock: () => new Date('2016-03-10T12:00:00.042Z') });
        const streamId = `board-${randomUUID()}`;
        await store.append(streamId, [event()], { expectedRevision: 'no-stream', actor: ACTOR });
        const [stored] = await store.readStream(streamId);
        expect(stored!.recordedAt).toBe('2016-03-10T12:00:00.042Z');
        const { rows } = await db.query<{ recorded_at: string }>(
          'SELECT recorded_at FROM events WHERE stream_id = $1',
          [streamId],
        );
        expect(rows[0]!.recorded_at).toBe('2016-03-10T12:00:00.042Z');
        await store.close();
      });

      test('concurrent appends are group-committed: fewer transactions than appends', async () => {
        const observed = new ObservedDatabase(db);
        const store = new SqlEventStore(observed);
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            store.append(`board-${randomUUID()}`, [event({ i })], { expectedRevision: 'no-stream', actor: ACTOR }),
          ),
        );
        expect(results.every((r) => r.nextExpectedRevision === 0)).toBe(true);
        expect(observed.appendBatches).toBeLessThan(20);
        await store.close();
      });

      test('an append is one round trip to the database: lock, checks, positions, hash chain and rows in one statement', async () => {
        const observed = new ObservedDatabase(db);
        const store = new SqlEventStore(observed);
        const streamId = `board-${randomUUID()}`;
        const first = await store.append(streamId, [event({ n: 1 }), event({ n: 2 })], {
          expectedRevision: 'no-stream',
          actor: ACTOR,
          idempotency: { key: randomUUID(), fingerprint: 'f' },
        });
        expect(first).toMatchObject({ nextExpectedRevision: 1, replayed: false });
        expect(observed.roundTrips).toBe(1);
        await expect(store.append(streamId, [event()], { expectedRevision: 0, actor: ACTOR })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(observed.roundTrips).toBe(2);
        await store.close();
      });

      test('a batch of any size is one call of the append function: 5,000 events in one round trip, chained as the verifier computes', async () => {
        const observed = new ObservedDatabase(db);
        const store = new SqlEventStore(observed);
        const streamId = `board-${randomUUID()}`;
        await store.append(
          streamId,
          Array.from({ length: 5000 }, (_, i) => event({ i })),
          { expectedRevision: 'no-stream', actor: ACTOR },
        );
        await store.append(streamId, [event()], { expectedRevision: 4999, actor: ACTOR });
        expect({ roundTrips: observed.roundTrips, transactions: observed.transactions }).toEqual({
          roundTrips: 2,
          transactions: 0,
        });
        await expect(store.readStream(streamId)).resolves.toHaveLength(5001);
        await expect(verifyLog(db)).resolves.toMatchObject({ ok: true });
        await store.close();
      });

      test('the link hash rendered to SQL equals the one computed here, from the same definition, at the edges of every value', async () => {
        const prepared = [
          prepareEventHash(
            {
              eventId: randomUUID(),
              type: 'type "quoted" \\ ✓',
              streamId: "stream 'single' 😀 \u2028",
              schemaVersion: 2 ** 31 - 1,
              occurredAt: '2016-03-03T00:00:00.000Z',
              recordedAt: '2016-03-03T00:00:00.001Z',
              actor: "O'Brien: e\u0301 עברית \u{10FFFF}",
              correlationId: '',
              causationId: null,
            },
            canonicalJson({ n: [1e21, -0, 5e-324, 123456789012345680000], nested: { b: [{ a: null }], a: '\u0001' } }),
          ),
          prepareEventHash(
            {
              eventId: randomUUID(),
              type: 'T',
              streamId: 's',
              schemaVersion: 1,
              occurredAt: '2016-03-03T00:00:00.000Z',
              recordedAt: '2016-03-03T00:00:00.000Z',
              actor: 'a',
              correlationId: 'c',
              causationId: '"',
            },
            'null',
          ),
        ];
        const values = [
          { position: '1', revision: 0, prevHash: GENESIS_HASH },
          { position: '9223372036854775807', revision: 2 ** 31 - 1, prevHash: 'f'.repeat(64) },
        ];
        for (const pieces of prepared) {
          for (const { position, revision, prevHash } of values) {
            const { rows } = await db.query<{ hash: string }>(
              'SELECT event_store_link_hash($1::jsonb, $2::bigint, $3, $4) AS hash',
              [
                JSON.stringify([pieces.beforePosition, pieces.beforeRevision, pieces.afterRevision]),
                position,
                prevHash,
                revision,
              ],
            );
            expect(rows[0]!.hash).toBe(hashPrepared(pieces, position, revision, prevHash));
          }
        }
      });

      test('the hash the append function links in SQL is the one computed here from what the caller gave and from the row read back (unicode, nesting, nulls, big numbers)', async () => {
        const store = new SqlEventStore(db);
        const deep = (n: number): unknown => (n === 0 ? { leaf: [null, 'ü'] } : { [`level${n}`]: [deep(n - 1), n] });
        const tricky = {
          s: 'quote " backslash \\ tab \t line\u2028sep é 😀 \u0001 e\u0301 עברית \u{10FFFF}',
          n: [1e21, 0.1, -0, 123456789012345680000, 2 ** 53 - 1, -(2 ** 53) + 1, 1.7976931348623157e308, 5e-324, 1e-7],
          k: { z: 1, a: null, Ä: true, '': 'empty key', ä: [], __proto__x: 0, '😀': '\u{1F600}' },
          nested: deep(12),
        };
        const streamId = `board-${randomUUID()}`;
        const cases = [
          { data: tricky, actor: 'officer: Ünïcode ✓ "quoted"', causationId: null },
          { data: null, actor: 'a', causationId: 'cause \\ "x" 😀' },
          { data: [], actor: 'b', causationId: '' },
          { data: 'just a string \u2029', actor: 'c', causationId: null },
          { data: { ...tricky, s: '' }, actor: 'd', causationId: null },
        ];
        let revision = -1;
        const appended: { position: string; revision: number; input: (typeof cases)[number]; eventId: string }[] = [];
        for (const input of cases) {
          const eventId = randomUUID();
          const result = await store.append(
            streamId,
            [{ eventId, type: 'Tricky ✓ "type"', occurredAt: '2016-03-03T10:11:12.5+01:00', data: input.data }],
            {
              expectedRevision: revision === -1 ? 'no-stream' : revision,
              actor: input.actor,
              correlationId: `corr ${input.actor}`,
              causationId: input.causationId ?? undefined,
            },
          );
          revision++;
          appended.push({ position: result.lastPosition!, revision, input, eventId });
        }
        const rows = await readChainPage(
          db,
          String(BigInt(appended[0]!.position) - 1n),
          appended.at(-1)!.position,
          100,
        );
        expect(rows.map((r) => r.position)).toEqual(appended.map((a) => a.position));
        for (const [i, row] of rows.entries()) {
          const { input, eventId } = appended[i]!;
          // From the caller's values, as they were before anything reached the database.
          const fromInput = hashEvent(
            {
              eventId,
              type: 'Tricky ✓ "type"',
              streamId,
              revision: appended[i]!.revision,
              position: appended[i]!.position as Position,
              schemaVersion: 1,
              occurredAt: '2016-03-03T09:11:12.500Z',
              recordedAt: row.recordedAt,
              actor: input.actor,
              correlationId: `corr ${input.actor}`,
              causationId: input.causationId,
              data: JSON.parse(JSON.stringify(input.data)) as unknown,
            },
            row.prevHash!,
          );
          expect({ stored: row.hash, fromInput, fromRow: hashEvent(row, row.prevHash!) }).toEqual({
            stored: fromInput,
            fromInput,
            fromRow: fromInput,
          });
          if (i > 0) expect(row.prevHash).toBe(rows[i - 1]!.hash);
        }
        await expect(verifyLog(db)).resolves.toMatchObject({ ok: true });
        await store.close();
      });

      test("the data travels once, as canonical text: the stored jsonb is the one of the caller's JSON, and the hashed text joins around it as here", async () => {
        const store = new SqlEventStore(db);
        const data = {
          z: [1e21, 0.1, -0, 123456789012345680000, 5e-324, { b: null, a: 'quote " backslash \\ \u2028 é 😀' }],
          a: { '': 'empty key', Ä: true, ä: [], '😀': 1 },
        };
        const eventId = randomUUID();
        await store.append(`board-${randomUUID()}`, [{ ...event(data), eventId }], {
          expectedRevision: 'no-stream',
          actor: ACTOR,
        });
        const { rows } = await db.query<{ same_text: boolean; equal: boolean }>(
          'SELECT data::text = $1::jsonb::text AS same_text, data = $1::jsonb AS equal FROM events WHERE event_id = $2',
          [JSON.stringify(data), eventId],
        );
        expect(rows).toEqual([{ same_text: true, equal: true }]);
        await store.close();

        const envelope = {
          eventId,
          type: 'T "x"',
          streamId: 's ✓',
          schemaVersion: 3,
          occurredAt: '2016-03-03T00:00:00.000Z',
          recordedAt: '2016-03-03T00:00:00.001Z',
          actor: "O'Brien 😀",
          correlationId: 'c',
          causationId: null,
        };
        const around = prepareEventHashAroundData(envelope);
        const dataCanonical = canonicalJson(data);
        const { rows: joined } = await db.query<{ text: string }>(
          `SELECT ${beforePositionSql({ beforeData: '$1::text', dataCanonical: '$2::text', afterData: '$3::text' })} AS text`,
          [around.beforeData, dataCanonical, around.afterData],
        );
        const prepared = prepareEventHash(envelope, dataCanonical);
        expect(joined[0]!.text).toBe(prepared.beforePosition);
        expect([around.beforeRevision, around.afterRevision]).toEqual([
          prepared.beforeRevision,
          prepared.afterRevision,
        ]);
      });

      test('within one batch, an append reusing an id an earlier append of the batch wrote fails alone; one reusing an id of a refused append writes', async () => {
        const observed = new ObservedDatabase(db);
        const store = new SqlEventStore(observed);
        const [s1, s2, s3] = [1, 2, 3].map(() => `board-${randomUUID()}`);
        const [id1, id2, id3] = [randomUUID(), randomUUID(), randomUUID()];
        const opts = (expectedRevision: 'no-stream' | number) => ({ expectedRevision, actor: ACTOR });
        const outcomes = await Promise.allSettled([
          store.append(
            s1!,
            [
              { ...event({ n: 1 }), eventId: id1 },
              { ...event({ n: 2 }), eventId: id2 },
            ],
            opts('no-stream'),
          ),
          store.append(s2!, [event({ n: 3 }), { ...event({ n: 4 }), eventId: id2 }], opts('no-stream')),
          store.append(s1!, [{ ...event({ n: 5 }), eventId: id3 }], opts('no-stream')),
          store.append(s3!, [{ ...event({ n: 6 }), eventId: id3 }], opts('no-stream')),
          store.append(s1!, [event({ n: 7 })], opts(1)),
        ]);
        expect(observed.appendBatches).toBe(1);
        const [a, b, c, d, e] = outcomes;
        expect(a).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
        expect(b.status === 'rejected' && b.reason).toBeInstanceOf(DuplicateEventIdError);
        expect(b).toMatchObject({ reason: { eventIds: [id2] } });
        expect(c.status === 'rejected' && c.reason).toBeInstanceOf(ConcurrencyError);
        expect(c).toMatchObject({ reason: { actual: 1 } });
        expect(d).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
        expect(e).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2 } });
        const positions = [a, d, e].map((o) =>
          BigInt((o as PromiseFulfilledResult<{ lastPosition: string }>).value.lastPosition),
        );
        expect(positions[1]! > positions[0]! && positions[2]! > positions[1]!).toBe(true);
        await expect(store.readStream(s2!)).resolves.toEqual([]);
        expect((await store.readStream(s1!)).map((x) => x.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 7 }]);
        expect((await store.readStream(s3!)).map((x) => [x.eventId, x.data])).toEqual([[id3, { n: 6 }]]);
        await expect(verifyLog(db)).resolves.toMatchObject({ ok: true });
        await store.close();
      });

      test("the previous release's event_store_append still appends on this schema (an upgrade's old processes), on the same chain", async () => {
        const store = new SqlEventStore(db);
        const streamId = `board-${randomUUID()}`;
        await store.append(streamId, [event({ n: 1 })], { expectedRevision: 'no-stream', actor: ACTOR });
        // The batch as the 0.1.x adapter sent it: nested objects, the data twice.
        const eventId = randomUUID();
        const recordedAt = new Date().toISOString();
        const correlationId = randomUUID();
        const data = { n: 2, nested: { b: 1, a: 'é "q"' } };
        const occurredAt = '2016-03-03T00:00:00.000Z';
        const hash = prepareEventHash(
          {
            eventId,
            type: 'BoardMeetingHeld',
            streamId,
            schemaVersion: 1,
            occurredAt,
            recordedAt,
            actor: ACTOR,
            correlationId,
            causationId: null,
          },
          canonicalJson(data),
        );
        const payload = JSON.stringify([
          {
            streamId,
            expected: 0,
            recordedAt,
            actor: ACTOR,
            correlationId,
            causationId: null,
            traceparent: null,
            key: null,
            fingerprint: null,
            events: [
              {
                eventId,
                supplied: true,
                type: 'BoardMeetingHeld',
                schemaVersion: 1,
                occurredAt,
                data,
                hash: [hash.beforePosition, hash.beforeRevision, hash.afterRevision],
              },
            ],
          },
        ]);
        const { rows } = await db.query<{ outcomes: unknown }>('SELECT event_store_append($1::jsonb) AS outcomes', [
          payload,
        ]);
        expect(rows[0]!.outcomes).toMatchObject([{ streamId, next: 1, replayed: false }]);
        await store.append(streamId, [event({ n: 3 })], { expectedRevision: 1, actor: ACTOR });
        expect((await store.readStream(streamId)).map((e) => e.data)).toEqual([{ n: 1 }, data, { n: 3 }]);
        await expect(verifyLog(db)).resolves.toMatchObject({ ok: true });
        await store.close();
      });

      test('a batch transaction that fails rejects every append in it and stores none', async () => {
        const observed = new ObservedDatabase(db);
        const store = new SqlEventStore(observed);
        const streams = Array.from({ length: 5 }, () => `board-${randomUUID()}`);
        observed.failNext = new Error('connection lost');
        const outcomes = await Promise.allSettled(
          streams.map((s) => store.append(s, [event()], { expectedRevision: 'any', actor: ACTOR })),
        );
        expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual(
          streams.map(() => 'connection lost'),
        );
        for (const s of streams) await expect(store.readStream(s)).resolves.toEqual([]);
        await expect(
          store.append(streams[0]!, [event()], { expectedRevision: 'no-stream', actor: ACTOR }),
        ).resolves.toMatchObject({ nextExpectedRevision: 0 });
        await store.close();
      });

      test('an append the database refuses fails alone: the rest of its batch commits, each once, in order, chain intact', async () => {
        // A row the database itself refuses (as jsonb refuses a lone surrogate): nothing the adapter checks first.
        await db.query(`
            CREATE OR REPLACE FUNCTION refuse_poisoned_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              IF NEW.data ? 'poison' THEN RAISE EXCEPTION 'poisoned event refused' USING ERRCODE = '22023'; END IF;
              RETURN NEW;
            END $fn$;
            CREATE TRIGGER refuse_poisoned_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_poisoned_event();
          `);
        try {
          const store = new SqlEventStore(db);
          const shared = `board-${randomUUID()}`;
          const poisoned = new Set([10, 30, 50]);
          const appends = Array.from({ length: 66 }, (_, i) => ({
            streamId: i % 2 === 0 ? shared : `board-${randomUUID()}`,
            data: poisoned.has(i) ? { i, poison: true } : { i },
          }));
          const outcomes = await Promise.allSettled(
            appends.map(({ streamId, data }) =>
              store.append(streamId, [event(data)], { expectedRevision: 'any', actor: ACTOR }),
            ),
          );
          const rejected = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
          expect(rejected).toEqual([...poisoned]);
          for (const i of poisoned) {
            expect((outcomes[i] as PromiseRejectedResult).reason).toMatchObject({
              code: '22023',
              message: 'poisoned event refused',
            });
          }
          const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
          expect(results).toHaveLength(63);
          // Positions in the order the appends were made, each used once.
          const positions = results.map((r) => BigInt(r.lastPosition!));
          for (let k = 1; k < positions.length; k++) expect(positions[k]).toBeGreaterThan(positions[k - 1]!);

          const sharedValid = appends.filter((a, i) => a.streamId === shared && !poisoned.has(i)).map((a) => a.data.i);
          const stored = await store.readStream(shared);
          expect(stored.map((e) => (e.data as { i: number }).i)).toEqual(sharedValid);
          expect(stored.map((e) => e.revision)).toEqual(sharedValid.map((_, r) => r));
          for (const [i, { streamId }] of appends.entries()) {
            if (streamId !== shared)
              await expect(store.readStream(streamId)).resolves.toHaveLength(poisoned.has(i) ? 0 : 1);
          }
          await expect(verifyLog(db)).resolves.toMatchObject({ ok: true });
          await store.close();
        } finally {
          await db.query('DROP TRIGGER refuse_poisoned_event ON events; DROP FUNCTION refuse_poisoned_event()');
        }
      });

      test('a batch splits at its event cap and keeps revisions and positions in order', async () => {
        const store = new SqlEventStore(db, { maxBatchEvents: 10, maxBatchAppends: 4 });
        const streamId = `board-${randomUUID()}`;
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            store.append(streamId, [event({ i }), event({ i })], { expectedRevision: 'any', actor: ACTOR }),
          ),
        );
        const stored = await store.readStream(streamId);
        expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 24 }, (_, i) => i));
        expect(stored.map((e) => (e.data as { i: number }).i)).toEqual(
          Array.from({ length: 24 }, (_, i) => Math.floor(i / 2)),
        );
        expect(results.map((r) => r.nextExpectedRevision)).toEqual(Array.from({ length: 12 }, (_, i) => 2 * i + 1));
        await store.close();
      });

      test('while catching up, the next page is read while the handler works on this one: every event once, in order, one batch at a time', async () => {
        const observed = new ObservedDatabase(db);
        const store = new SqlEventStore(observed, { pollIntervalMs: 50 });
        const head = await store.headPosition();
        const streamId = `board-${randomUUID()}`;
        await store.append(
          streamId,
          Array.from({ length: 95 }, (_, i) => event({ i })),
          { expectedRevision: 'no-stream', actor: ACTOR },
        );
        const received: StoredEvent[] = [];
        let inHandler = 0;
        const readsAtDelivery: number[] = [];
        const reads = observed.roundTrips;
        const subscription = store.subscribe(
          async (events) => {
            inHandler++;
            expect(inHandler).toBe(1);
            readsAtDelivery.push(observed.roundTrips - reads);
            await new Promise((r) => setTimeout(r, 20));
            received.push(...events);
            inHandler--;
          },
          { after: head, batchSize: 10 },
        );
        await waitFor(() => received.filter((e) => e.streamId === streamId).length === 95);
        await subscription.stop();
        const mine = received.filter((e) => e.streamId === streamId);
        expect(mine.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 95 }, (_, i) => i));
        for (let i = 1; i < received.length; i++)
          expect(store.comparePositions(received[i - 1]!.position, received[i]!.position)).toBe(-1);
        // When full page k (1..9) is handed over, page k + 1 has already been asked for (without
        // the read-ahead only page k would have been).
        expect(readsAtDelivery.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, k) => k + 2));
        await store.close();
      });

      test('subscriptions woken by one append share one read of the log, and each gets the event once', async () => {
        const observed = new ObservedDatabase(db);
        // No polling within the test: only the append's wake-up makes them read.
        const store = new SqlEventStore(observed, { pollIntervalMs: 60_000 });
        const head = await store.headPosition();
        const received = Array.from({ length: 10 }, () => [] as StoredEvent[]);
        const subscriptions = received.map((mine) =>
          store.subscribe((events) => Promise.resolve(void mine.push(...events)), { after: head, batchSize: 50 }),
        );
        await waitFor(() => observed.logReads >= 1);
        await new Promise((r) => setTimeout(r, 50));
        const before = observed.logReads;
        const streamId = `board-${randomUUID()}`;
        await store.append(streamId, [event()], { expectedRevision: 'no-stream', actor: ACTOR });
        await waitFor(() => received.every((mine) => mine.some((e) => e.streamId === streamId)));
        // One read for the wake-up of the append, perhaps one more for its NOTIFY; unshared, 10 or 20.
        expect(observed.logReads - before).toBeLessThanOrEqual(2);
        for (const mine of received) expect(mine.filter((e) => e.streamId === streamId)).toHaveLength(1);
        await Promise.all(subscriptions.map((s) => s.stop()));
        await store.close();
      });

      test('a read of the log sent before an append is not shared with a subscription woken after it', async () => {
        const observed = new ObservedDatabase(db);
        const store = new SqlEventStore(observed, { pollIntervalMs: 60_000 });
        const head = await store.headPosition();
        let release!: () => void;
        observed.holdNextLogRead = new Promise<void>((resolve) => (release = resolve));
        const first: StoredEvent[] = [];
        const a = store.subscribe((events) => Promise.resolve(void first.push(...events)), { after: head });
        await waitFor(() => observed.logReads === 1);
        // A's read is in flight (held); an append wakes the store's subscriptions, then B subscribes at the same position.
        const streamId = `board-${randomUUID()}`;
        await store.append(streamId, [event()], { expectedRevision: 'no-stream', actor: ACTOR });
        const second: StoredEvent[] = [];
        const b = store.subscribe((events) => Promise.resolve(void second.push(...events)), { after: head });
        release();
        // Both get it now, not at the next poll a minute away: B read for itself, A read again after its wake-up.
        await waitFor(() => [first, second].every((seen) => seen.some((e) => e.streamId === streamId)));
        await Promise.all([a.stop(), b.stop()]);
        await store.close();
      });

      test('a late-committing append is never passed over: positions become visible in commit order', async () => {
        const store = new SqlEventStore(db, { pollIntervalMs: 50 });
        const head = await store.headPosition();
        const received: StoredEvent[] = [];
        const subscription = store.subscribe((events) => Promise.resolve(void received.push(...events)), {
          after: head,
        });

        // A slow writer (another process) holds the append lock with its positions drawn but not committed.
        const slow = await database.connect();
        let commit!: () => void;
        const committing = new Promise<void>((resolve) => (commit = resolve));
        let inserted!: () => void;
        const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
        const slowWriter = slow.transaction(async (tx) => {
          await tx.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
          await tx.query(
            `INSERT INTO events (event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, data)
             VALUES ($1, $2, 0, 'BoardMeetingHeld', 1, now(), now(), $3, $4, '{}')`,
            [randomUUID(), `board-slow-${randomUUID()}`, ACTOR, randomUUID()],
          );
          inserted();
          await committing;
        });
        try {
          await insertedSignal;
          const fastAppend = store.append(`board-fast-${randomUUID()}`, [event()], {
            expectedRevision: 'no-stream',
            actor: ACTOR,
          });
          await new Promise((r) => setTimeout(r, 300));
          expect(received).toEqual([]);
          commit();
          await slowWriter;
          const fast = await fastAppend;
          await waitFor(() => received.length === 2);
          expect(received[0]!.streamId).toMatch(/^board-slow-/);
          expect(received[1]!.position).toBe(fast.lastPosition);
          expect(store.comparePositions(received[0]!.position, received[1]!.position)).toBe(-1);
        } finally {
          commit();
          await slowWriter.catch(() => undefined);
          await subscription.stop();
          await store.close();
        }
      });
    });
  });
}

export async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
