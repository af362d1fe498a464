import {
  EventStore,
  type AppendOptions,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from './event-store.port.js';
import { ConcurrencyError, DuplicateEventIdError, IdempotencyKeyReusedError, InvalidPositionError } from './errors.js';
import { prepareAppend } from './prepare-append.js';
import { canonicalJson } from './integrity/canonical-json.js';
import { prepareEventHashAroundData, type PreparedEventHashAroundData } from './integrity/event-hash.js';
import { PollingSubscription } from './polling-subscription.js';
import type { SqlDatabase } from './sql-database.port.js';

/** Channel NOTIFYed (payload: the last position) by every transaction that appends events. */
export const EVENTS_APPENDED_CHANNEL = 'events_appended';

/**
 * Transaction-scoped advisory lock every appender holds while it draws positions and commits.
 *
 * Why: a sequence hands out positions at INSERT time, but transactions commit in any order, so
 * without the lock position 11 can become visible while 10 is still uncommitted, and a reader
 * that has moved past 11 never goes back for 10 (the sequence-gap problem).
 * PostgreSQL makes a commit visible before it releases the committing transaction's locks, so
 * with every appender serialised on this lock, positions become visible in position order and a
 * reader may page by `position > last` without ever skipping a late commit. Anything that
 * inserts into `events` must take this lock first. Group commit (below) keeps throughput up.
 */
export const APPEND_LOCK_KEY = 4_711_020_002;

export interface SqlEventStoreOptions {
  /** Transaction time for `recordedAt`; read once per append call. Default: the system clock. */
  clock?: () => Date;
  /** Longest wait of a live subscription when no wake-up arrives (default 500 ms). */
  pollIntervalMs?: number;
  /** Limits of one group-commit transaction (defaults 500 appends, 5000 events). */
  maxBatchAppends?: number;
  maxBatchEvents?: number;
  /**
   * Events of whole-stream reads kept in memory (default 20,000; 0 turns it off). Events never
   * change once appended, so a stream read again costs one query for the events after the cached
   * revision instead of reading and parsing the whole stream (commands and the write policy read
   * the same agreement, board and registry streams on every request).
   */
  streamCacheEvents?: number;
}

/** A stream longer than this is not cached (it would evict everything else). */
const MAX_CACHED_STREAM = 5000;

interface PreparedEvent {
  eventId: string;
  /** Given by the caller rather than generated here, so it may already be stored. */
  supplied: boolean;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  /** The data's canonical JSON: the text the append function parses into the stored jsonb and hashes. */
  dataCanonical: string;
  /** The hash's canonical text around the data, made before queueing: only position, revision and link wait for the lock. */
  hash: PreparedEventHashAroundData;
}

interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: PreparedEvent[];
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
  traceparent: string | null;
  idempotency: { key: string; fingerprint: string } | null;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  actor: string;
  correlation_id: string;
  causation_id: string | null;
  traceparent: string | null;
  data: unknown;
}

interface IdempotencyRow {
  key: string;
  fingerprint: string;
  stream_id: string;
  next_expected_revision: number;
  first_position: string | null;
  last_position: string | null;
}

const EVENT_COLUMNS =
  'position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, traceparent, data';
const MAX_POSITION = 2n ** 63n - 1n;
const DEFAULT_LAG_LIMIT = 100_000;

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: String(row.position) as Position,
    schemaVersion: Number(row.schema_version),
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    actor: row.actor,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    ...(row.traceparent === null ? {} : { traceparent: row.traceparent }),
    data: row.data,
  };
}

function toAppendResult(row: IdempotencyRow, replayed: boolean): AppendResult {
  return {
    streamId: row.stream_id,
    nextExpectedRevision: Number(row.next_expected_revision),
    firstPosition: row.first_position === null ? null : (String(row.first_position) as Position),
    lastPosition: row.last_position === null ? null : (String(row.last_position) as Position),
    replayed,
  };
}

const isRevision = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The event store over PostgreSQL or PGlite (same SQL). Appends from concurrent callers are
 * group-committed: one flusher writes every queued append in one transaction under the append
 * lock, judging each append's expected revision on its own.
 */
export class SqlEventStore extends EventStore {
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly maxBatchAppends: number;
  private readonly maxBatchEvents: number;
  private readonly queue: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;
  private readonly subscriptions = new Set<PollingSubscription>();
  private unlisten: Promise<(() => Promise<void>) | null> | null = null;
  private closed = false;
  /** Whole streams from revision 0, least recently used first (Map order). */
  private readonly streamCache = new Map<string, readonly StoredEvent[]>();
  private cachedEvents = 0;
  private readonly streamCacheEvents: number;
  /** Wake-ups of the subscriptions so far, and their reads in flight by position and limit (readAfterShared). */
  private wakes = 0;
  private readonly sharedReads = new Map<string, { wakes: number; rows: Promise<StoredEvent[]> }>();
  /** False once the server said its sessions are not READ COMMITTED by default (then: explicit transactions). */
  private autocommitAppend = true;

  constructor(
    private readonly db: SqlDatabase,
    options: SqlEventStoreOptions = {},
  ) {
    super();
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.maxBatchAppends = options.maxBatchAppends ?? 500;
    this.maxBatchEvents = options.maxBatchEvents ?? 5000;
    this.streamCacheEvents = options.streamCacheEvents ?? 20_000;
  }

  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) throw new Error('The event store is closed.');
    const pending = this.prepare(streamId, events, options);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ ...pending, resolve, reject });
      this.flushing ??= this.flushQueue();
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const fromRevision = options.fromRevision ?? 0;
    if (!isRevision(fromRevision))
      throw new RangeError(`fromRevision must be a whole number ≥ 0, not ${String(fromRevision)}.`);
    const maxCount = options.maxCount ?? null;
    if (maxCount !== null && !isRevision(maxCount))
      throw new RangeError(`maxCount must be a whole number ≥ 0, not ${String(maxCount)}.`);
    // Whole-stream reads go through the cache; a page (the audit trail) always reads the table.
    if (fromRevision === 0 && maxCount === null && this.streamCacheEvents > 0) return this.readWholeStream(streamId);
    const { rows } = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
      [streamId, fromRevision, maxCount],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * The whole stream: the cached events plus those after them (one query, usually empty). The
   * store numbers revisions 0, 1, 2… without gaps, so the read continues exactly where the cache
   * ends; anything else (a row written around the store) drops the entry and reads it all.
   */
  private async readWholeStream(streamId: string): Promise<StoredEvent[]> {
    const cached = this.streamCache.get(streamId) ?? [];
    const { rows } = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
      [streamId, cached.length],
    );
    let events: StoredEvent[];
    const [first] = rows;
    const newest = rows.at(-1);
    if (!first || !newest) events = [...cached];
    else if (Number(first.revision) === cached.length && Number(newest.revision) === cached.length + rows.length - 1) {
      events = cached.length === 0 ? rows.map(toStoredEvent) : [...cached, ...rows.map(toStoredEvent)];
    } else {
      this.forget(streamId);
      const { rows: all } = await this.db.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY revision`,
        [streamId],
      );
      return all.map(toStoredEvent);
    }
    this.remember(streamId, events);
    return events;
  }

  private remember(streamId: string, events: readonly StoredEvent[]): void {
    const previous = this.streamCache.get(streamId);
    // A slower concurrent read may bring an older version of the stream: keep the longer one.
    if (previous && previous.length > events.length) return;
    this.forget(streamId);
    if (events.length === 0 || events.length > MAX_CACHED_STREAM) return;
    this.streamCache.set(streamId, events.slice());
    this.cachedEvents += events.length;
    for (const [id, evicted] of this.streamCache) {
      if (this.cachedEvents <= this.streamCacheEvents) break;
      this.streamCache.delete(id);
      this.cachedEvents -= evicted.length;
    }
  }

  private forget(streamId: string): void {
    const previous = this.streamCache.get(streamId);
    if (!previous) return;
    this.streamCache.delete(streamId);
    this.cachedEvents -= previous.length;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const from = options.fromPosition === undefined ? '0' : this.parsePosition(options.fromPosition);
    const maxCount = options.maxCount ?? 1000;
    if (!isRevision(maxCount)) throw new RangeError(`maxCount must be a whole number ≥ 0, not ${String(maxCount)}.`);
    const { rows } = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position >= $1 ORDER BY position LIMIT $2`,
      [from, maxCount],
    );
    return rows.map(toStoredEvent);
  }

  subscribe(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('The event store is closed.');
    const after = options.after == null ? null : this.parsePosition(options.after);
    const batchSize = options.batchSize ?? 500;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a whole number ≥ 1, not ${batchSize}.`);
    const subscription = new PollingSubscription(
      {
        readAfter: (position, limit) => this.readAfterShared(position ?? ('0' as Position), limit),
        compare: (a, b) => this.comparePositions(a, b),
      },
      handler,
      { after, batchSize, pollIntervalMs: this.pollIntervalMs },
    );
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    this.unlisten ??= this.db.listen(EVENTS_APPENDED_CHANNEL, () => this.wakeSubscribers()).catch(() => null);
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    const { rows } = await this.db.query<{ head: string | null }>('SELECT max(position) AS head FROM events');
    const head = rows[0]?.head ?? null;
    return head === null ? null : (String(head) as Position);
  }

  comparePositions(a: Position, b: Position): number {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  eventsBetween(from: Position | null, to: Position, limit = DEFAULT_LAG_LIMIT): Promise<number> {
    // Positions subtract, nothing to read; a position that is not a number rejects like any other method.
    return new Promise((resolve) => {
      const gap = BigInt(to) - BigInt(from ?? '0');
      resolve(gap <= 0n ? 0 : gap > BigInt(limit) ? limit : Number(gap));
    });
  }

  parsePosition(text: string): Position {
    if (typeof text !== 'string' || !/^\d{1,19}$/.test(text) || BigInt(text) > MAX_POSITION) {
      throw new InvalidPositionError(String(text));
    }
    return BigInt(text).toString() as Position;
  }

  async findIdempotentResult(key: string): Promise<(AppendResult & { fingerprint: string }) | null> {
    const { rows } = await this.db.query<IdempotencyRow>(
      'SELECT key, fingerprint, stream_id, next_expected_revision, first_position, last_position FROM idempotency_keys WHERE key = $1',
      [key],
    );
    return rows[0] ? { ...toAppendResult(rows[0], true), fingerprint: rows[0].fingerprint } : null;
  }

  /** Stops the subscriptions and waits for queued appends. The database stays open: its owner closes it. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    while (this.flushing) await this.flushing;
    const unlisten = await this.unlisten;
    this.unlisten = null;
    await unlisten?.().catch(() => undefined);
  }

  private wakeSubscribers(): void {
    this.wakes++;
    for (const subscription of this.subscriptions) subscription.wake();
  }

  /**
   * The subscriptions' reads of the log, shared: the projections, the compliance trigger and the relay
   * each subscribe, are woken by the same append and mostly stand at the same position, so without this
   * every append costs one `position > $1` statement per subscription (20 in the API with WORKERS=on,
   * issue 17). A read joins one already in flight for the same position and limit only if no wake-up has
   * come since that one was sent: it then sees every append this store knew of when the joiner was
   * woken, as its own statement would have, and a subscription woken while it reads reads again anyway
   * (PollingSubscription). So no event is skipped or delivered late, and each subscriber still gets its
   * own array.
   */
  private readAfterShared(after: Position, limit: number): Promise<StoredEvent[]> {
    const key = `${after}/${limit}`;
    const inFlight = this.sharedReads.get(key);
    if (inFlight?.wakes === this.wakes) return inFlight.rows.then((rows) => rows.slice());
    const read = this.db
      .query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`, [
        after,
        limit,
      ])
      .then(({ rows }) => rows.map(toStoredEvent));
    const entry = { wakes: this.wakes, rows: read };
    this.sharedReads.set(key, entry);
    const done = () => {
      if (this.sharedReads.get(key) === entry) this.sharedReads.delete(key);
    };
    read.then(done, done);
    return read.then((rows) => rows.slice());
  }

  /** Validates and normalises before queueing, so one bad request cannot fail a whole batch. */
  private prepare(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Omit<PendingAppend, 'resolve' | 'reject'> {
    const append = prepareAppend(streamId, events, options, this.clock());
    return {
      ...append,
      events: append.events.map(({ eventId, supplied, type, schemaVersion, occurredAt, data }) => ({
        eventId,
        supplied,
        type,
        schemaVersion,
        occurredAt,
        // The data as it will read back from jsonb: the JSON value, whatever the caller's object was. jsonb
        // keeps no key order, so this text stores the same value as the caller's JSON.
        dataCanonical: canonicalJson(data),
        hash: prepareEventHashAroundData({ ...append, eventId, type, schemaVersion, occurredAt, streamId }),
      })),
    };
  }

  /** One flusher at a time: appends that arrive while a batch commits form the next batch. */
  private async flushQueue(): Promise<void> {
    try {
      // Let the callers of this tick enqueue first (e.g. a Promise.all of appends).
      await this.gather();
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        const outcomes = await this.writeIsolating(batch);
        batch.forEach((append, i) => {
          const outcome = outcomeAt(outcomes, i);
          if (outcome.ok) append.resolve(outcome.result());
          else append.reject(outcome.error);
        });
        if (outcomes.some((o) => o.ok && o.wrote)) this.wakeSubscribers();
        if (this.queue.length > 0) await this.gather();
      }
    } finally {
      // In the same synchronous step as the empty-queue check: an append queued from here on
      // sees no flusher and starts one.
      this.flushing = null;
    }
  }

  /**
   * Waits for the appends that are coming to join the batch. On the PostgreSQL server a batch forms by
   * itself: while one is in flight the others' requests go on (every statement is network I/O). PGlite
   * runs in this thread and answers without I/O, so a request runs every statement up to its append
   * before the event loop takes the next request from its socket, and the appends would come one at a
   * time and commit one each. One turn of the event loop (setImmediate) lets the requests already
   * received run up to their appends first, so they share the batch, as on the server.
   */
  private gather(): Promise<void> {
    if (this.db.kind !== 'pglite') return Promise.resolve();
    return new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * The batch's outcomes, one per append. When the database refuses the batch as a whole (one
   * append's data breaks a constraint, a trigger raises), nothing of it was written: the statement
   * or transaction rolled back. So it is halved and each half written again, in queue order, until
   * the append the database refuses stands alone and fails alone; the others commit once each, with
   * the revisions, positions and chain links they would have had. A failure that says nothing about
   * the rows (the connection lost: perhaps committed, perhaps not) fails the appends it carried.
   */
  private async writeIsolating(batch: PendingAppend[]): Promise<Outcome[]> {
    try {
      return await this.writeBatch(batch);
    } catch (error) {
      if (batch.length === 1 || !refusedByDatabase(error))
        return batch.map(() => ({ ok: false, error: error as Error }));
      const middle = Math.ceil(batch.length / 2);
      const first = await this.writeIsolating(batch.slice(0, middle));
      return [...first, ...(await this.writeIsolating(batch.slice(middle)))];
    }
  }

  private takeBatch(): PendingAppend[] {
    let events = 0;
    let count = 0;
    while (count < this.queue.length && count < this.maxBatchAppends) {
      // count < this.queue.length: in range.
      const size = this.queue[count]!.events.length;
      if (count > 0 && events + size > this.maxBatchEvents) break;
      events += size;
      count++;
    }
    return this.queue.splice(0, count);
  }

  /**
   * One round trip, whatever the batch's size: the batch goes as one jsonb parameter, in columns, to
   * `event_store_append_columns` (migration 0009), which takes the batch apart before it takes the
   * append lock, then judges each append on its own (idempotency key, expected revision, supplied
   * event ids), draws positions, links the hash chain and inserts every row in one statement. Run
   * as its own statement (autocommit), the lock is held until the commit, so positions still become
   * visible in order (APPEND_LOCK_KEY).
   * The function needs READ COMMITTED (each statement after the lock sees the previous holder's
   * commit); where the session's default differs it says so, and the batch runs in an explicit
   * READ COMMITTED transaction instead. It is the only way the store writes rows, so there is one
   * set of append rules and one chain link (a multi-statement path that hashed in this process was
   * measured against it and removed: it was no faster at 1, 100 or 2,000 events per append, nor
   * with 32 concurrent writers). The previous release's `event_store_append` (0003 to 0006, same
   * rules, the batch as nested objects) stays in the schema for its processes during an upgrade.
   */
  private async writeBatch(batch: PendingAppend[]): Promise<Outcome[]> {
    const payload = appendPayload(batch);
    const sql = 'SELECT event_store_append_columns($1::jsonb) AS outcomes';
    let outcomes: AppendOutcome[] | null = null;
    if (this.autocommitAppend) {
      try {
        outcomes = outcomesOf(await this.db.query<{ outcomes: AppendOutcome[] }>(sql, [payload]));
      } catch (error) {
        if ((error as { code?: unknown }).code !== NOT_READ_COMMITTED) throw error;
        this.autocommitAppend = false;
      }
    }
    outcomes ??= await this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      return outcomesOf(await tx.query<{ outcomes: AppendOutcome[] }>(sql, [payload]));
    });
    if (outcomes.length !== batch.length) {
      throw new Error(`event_store_append_columns returned ${outcomes.length} outcomes for ${batch.length} appends.`);
    }
    return batch.map((append, i): Outcome => {
      const outcome = outcomeAt(outcomes, i);
      if ('error' in outcome) {
        switch (outcome.error) {
          case 'concurrency':
            return { ok: false, error: new ConcurrencyError(append.streamId, append.expected, outcome.actual) };
          case 'idempotency-key-reused':
            return { ok: false, error: new IdempotencyKeyReusedError(append.idempotency!.key) };
          case 'duplicate-event-id':
            return { ok: false, error: new DuplicateEventIdError(outcome.eventIds) };
        }
      }
      const result: AppendResult = {
        streamId: outcome.streamId,
        nextExpectedRevision: Number(outcome.next),
        firstPosition: outcome.first === null ? null : (String(outcome.first) as Position),
        lastPosition: outcome.last === null ? null : (String(outcome.last) as Position),
        replayed: outcome.replayed,
      };
      return { ok: true, wrote: !outcome.replayed && append.events.length > 0, result: () => result };
    });
  }
}

/**
 * SQLSTATE classes of a server that cannot take any statement now (connection, resources, shutdown,
 * system or internal error): writing the halves of a batch again would fail them the same way.
 */
const NOT_ABOUT_THE_ROWS = new Set(['08', '53', '57', '58', 'XX']);

/** The server refused the statement (so it rolled back), for a reason that may lie in one append's rows. */
function refusedByDatabase(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return (
    typeof severity === 'string' &&
    typeof code === 'string' &&
    code.length === 5 &&
    !NOT_ABOUT_THE_ROWS.has(code.slice(0, 2))
  );
}

/** SQLSTATE `event_store_append_columns` raises when the session is not READ COMMITTED. */
const NOT_READ_COMMITTED = 'ES001';

type AppendOutcome =
  | { streamId: string; next: number; first: string | null; last: string | null; replayed: boolean }
  | { error: 'concurrency'; actual: number }
  | { error: 'idempotency-key-reused' }
  | { error: 'duplicate-event-id'; eventIds: string[] };

/**
 * The batch as `event_store_append_columns` reads it: one JSON array per field, with one element per
 * append or one per event (in batch order), so the function turns each into a typed array in one
 * step. Each event's data goes once, as the canonical JSON text made at prepare time.
 */
function appendPayload(batch: readonly PendingAppend[]): string {
  const s = JSON.stringify;
  const perAppend = (value: (a: PendingAppend) => string) => `[${batch.map(value).join(',')}]`;
  const events = batch.flatMap((a) => a.events);
  const perEvent = (value: (e: PreparedEvent) => string) => `[${events.map(value).join(',')}]`;
  return (
    `{"streamIds":${perAppend((a) => s(a.streamId))},"expected":${perAppend((a) => s(a.expected))},` +
    `"keys":${perAppend((a) => s(a.idempotency?.key ?? null))},` +
    `"fingerprints":${perAppend((a) => s(a.idempotency?.fingerprint ?? null))},` +
    `"recordedAts":${perAppend((a) => s(a.recordedAt))},"actors":${perAppend((a) => s(a.actor))},` +
    `"correlationIds":${perAppend((a) => s(a.correlationId))},"causationIds":${perAppend((a) => s(a.causationId))},` +
    `"traceparents":${perAppend((a) => s(a.traceparent))},"counts":${perAppend((a) => String(a.events.length))},` +
    `"eventIds":${perEvent((e) => s(e.eventId))},"supplied":${perEvent((e) => String(e.supplied))},` +
    `"types":${perEvent((e) => s(e.type))},"schemaVersions":${perEvent((e) => String(e.schemaVersion))},` +
    `"occurredAts":${perEvent((e) => s(e.occurredAt))},"data":${perEvent((e) => s(e.dataCanonical))},` +
    `"beforeData":${perEvent((e) => s(e.hash.beforeData))},"afterData":${perEvent((e) => s(e.hash.afterData))},` +
    `"beforeRevision":${perEvent((e) => s(e.hash.beforeRevision))},` +
    `"afterRevision":${perEvent((e) => s(e.hash.afterRevision))}}`
  );
}

type Outcome = { ok: true; wrote: boolean; result: () => AppendResult } | { ok: false; error: Error };

/** The outcomes `event_store_append` returns: its one row. */
function outcomesOf(result: { rows: { outcomes: AppendOutcome[] }[] }): AppendOutcome[] {
  const [row] = result.rows;
  if (!row) throw new Error('event_store_append returned no row.');
  return row.outcomes;
}

/** The outcome of the batch's `i`th append: there is one per append. */
function outcomeAt<T>(outcomes: readonly T[], i: number): T {
  const outcome = outcomes[i];
  if (outcome === undefined) throw new Error(`The batch has no outcome for its append ${i}.`);
  return outcome;
}
