import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  streamNameFilter,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendStreamRequest,
  type AppendStreamState,
  type Direction,
  type EventData,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreUnavailableError,
  IdempotencyKeyReusedError,
  InvalidAppendError,
} from '../errors.js';
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
} from '../event-store.port.js';
import { PollingSubscription } from '../polling-subscription.js';
import { prepareAppend, type PreparedAppend } from '../prepare-append.js';
import {
  INTERNAL_STREAM_PREFIX,
  VISIBLE_STREAMS_REGEX,
  eventIdOfReservationStream,
  eventIdReservationData,
  eventIdStreamOf,
  fromRecord,
  idempotencyRecordData,
  idempotencyStreamOf,
  isVisibleStream,
  parseIdempotencyRecord,
  toEventData,
  type IdempotencyRecord,
  type KurrentDbEventData,
  type KurrentDbRecord,
} from './kurrentdb-event-mapping.js';
import {
  compareKurrentDbPositions,
  compareLogPositions,
  decodeKurrentDbPosition,
  encodeKurrentDbPosition,
  parseKurrentDbPosition,
  type KurrentDbLogPosition,
} from './kurrentdb-position.js';

export interface KurrentDbEventStoreOptions {
  /** Transaction time for `recordedAt`; read once per append call. Default: the system clock. */
  clock?: () => Date;
  /** Longest wait of a live subscription when no wake-up arrives (default 500 ms). */
  pollIntervalMs?: number;
}

/** Attempts of one append that lost a race it may retry (an idempotent `any` append re-reads the revision). */
const MAX_WRITE_ATTEMPTS = 20;
const HEAD_PAGE = 32;
const LAG_PAGE = 1000;
const LAG_COUNT_LIMIT = 100_000;

const isRevision = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function expectationHolds(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === -1;
  return expected === actual;
}

function streamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no-stream' || expected === -1) return NO_STREAM;
  return BigInt(expected);
}

const actualRevision = (state: WrongExpectedVersionError['actualState']): number =>
  typeof state === 'bigint' ? Number(state) : -1;

/**
 * The event store on KurrentDB (server 25.1 or later: appends use its atomic multi-stream append).
 *
 * - Every append is one `multiStreamAppend`: the events with the expected revision, one
 *   reservation stream per eventId (`_es-event-id-<uuid>`, expected no-stream) so an eventId is
 *   unique across the store as the contract requires, and, with an idempotency key, the record
 *   stream `_es-idempotency-<sha256(key)>` (expected no-stream). All or nothing: a conflict on
 *   any of them writes none of them.
 * - `$all` is KurrentDB's single ordered log: an event becomes readable only with its commit,
 *   and commits are written in position order, so reading after the last delivered position
 *   never skips a late commit (the SQL adapter needs its append lock for that).
 * - The adapter's own streams and system streams (`$…`) are hidden from readAll, subscribe and
 *   headPosition, by a server-side filter and again on the client.
 */
export class KurrentDbEventStore extends EventStore {
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly pending = new Set<Promise<unknown>>();
  private live: AllStreamSubscription | null = null;
  private closed = false;

  constructor(
    private readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
    /** Dispose of the client on close (true when the store created it). */
    private readonly ownsClient = false,
  ) {
    super();
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  /** Connects lazily: the first operation opens the gRPC channel. */
  static connect(url: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(url), options, true);
  }

  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.track(async () => {
      const append = prepareAppend(streamId, events, options, this.clock());
      if (!isVisibleStream(streamId)) {
        throw new InvalidAppendError([`streamId must not start with "$" or "${INTERNAL_STREAM_PREFIX}" (reserved)`]);
      }
      const key = append.idempotency?.key;
      if (key !== undefined) {
        const earlier = await this.findRecord(key);
        if (earlier) return this.replay(earlier, append);
      }
      if (append.events.length === 0) return this.appendNothing(append);
      for (let attempt = 1; ; attempt++) {
        // With a key the record must name the revisions, so `any` becomes "the revision just read".
        const expected =
          append.expected === 'any' && key !== undefined ? await this.lastRevision(streamId) : append.expected;
        try {
          return await this.write(append, expected);
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
          if (key !== undefined) {
            const earlier = await this.findRecord(key);
            if (earlier) return this.replay(earlier, append);
          }
          const reservedId = eventIdOfReservationStream(error.streamName);
          if (reservedId !== null) throw new DuplicateEventIdError([reservedId]);
          if (error.streamName === streamId && append.expected !== 'any') {
            throw new ConcurrencyError(streamId, append.expected, actualRevision(error.actualState));
          }
          if (attempt >= MAX_WRITE_ATTEMPTS) throw error;
        }
      }
    });
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => {
      const fromRevision = options.fromRevision ?? 0;
      if (!isRevision(fromRevision))
        throw new RangeError(`fromRevision must be a whole number ≥ 0, not ${String(fromRevision)}.`);
      const maxCount = options.maxCount ?? null;
      if (maxCount !== null && !isRevision(maxCount))
        throw new RangeError(`maxCount must be a whole number ≥ 0, not ${String(maxCount)}.`);
      if (maxCount === 0) return [];
      const records = await this.readRecords(streamId, {
        fromRevision: BigInt(fromRevision),
        ...(maxCount === null ? {} : { maxCount }),
      });
      return records.map(fromRecord);
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => {
      const from = options.fromPosition === undefined ? null : decodeKurrentDbPosition(options.fromPosition);
      const maxCount = options.maxCount ?? 1000;
      if (!isRevision(maxCount)) throw new RangeError(`maxCount must be a whole number ≥ 0, not ${String(maxCount)}.`);
      return this.readVisible(from, true, maxCount);
    });
  }

  subscribe(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('The event store is closed.');
    const after = options.after == null ? null : parseKurrentDbPosition(options.after);
    const batchSize = options.batchSize ?? 500;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a whole number ≥ 1, not ${batchSize}.`);
    const subscription = new PollingSubscription(
      {
        readAfter: (position, limit) =>
          position === null
            ? this.readVisible(null, true, limit)
            : this.readVisible(decodeKurrentDbPosition(position), false, limit),
        compare: (a, b) => this.comparePositions(a, b),
      },
      handler,
      { after, batchSize, pollIntervalMs: this.pollIntervalMs },
    );
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    this.followLiveAppends();
    return subscription;
  }

  headPosition(): Promise<Position | null> {
    return this.track(async () => {
      let cursor: KurrentDbLogPosition | null = null;
      for (;;) {
        let oldest: KurrentDbLogPosition | null = null;
        const page = this.readAllPage(cursor ?? END, BACKWARDS, HEAD_PAGE);
        for await (const resolved of page) {
          const record: AllStreamRecordedEvent | undefined = resolved.event;
          if (!record) continue;
          // Whether a backwards read includes its start position is not promised: skip it either way.
          if (cursor !== null && compareLogPositions(record.position, cursor) >= 0) continue;
          oldest = record.position;
          if (isVisibleStream(record.streamId)) return encodeKurrentDbPosition(record.position);
        }
        if (oldest === null) return null;
        cursor = oldest;
      }
    });
  }

  comparePositions(a: Position, b: Position): number {
    return compareKurrentDbPositions(a, b);
  }

  parsePosition(text: string): Position {
    return parseKurrentDbPosition(text);
  }

  /** Counted by reading `$all` after `from`: a commit position is a byte offset, not an event count. */
  eventsBetween(from: Position | null, to: Position, limit = LAG_COUNT_LIMIT): Promise<number> {
    return this.track(async () => {
      const target = decodeKurrentDbPosition(to);
      let cursor = from === null ? null : decodeKurrentDbPosition(from);
      let count = 0;
      while (count < limit) {
        const page = await this.readVisible(cursor, cursor === null, Math.min(LAG_PAGE, limit - count));
        for (const event of page) {
          if (compareLogPositions(decodeKurrentDbPosition(event.position), target) > 0) return count;
          count += 1;
        }
        const newest = page.at(-1);
        if (!newest) return count;
        cursor = decodeKurrentDbPosition(newest.position);
      }
      return count;
    });
  }

  findIdempotentResult(key: string): Promise<(AppendResult & { fingerprint: string }) | null> {
    return this.track(async () => {
      const record = await this.findRecord(key);
      return record ? { ...(await this.resultOf(record)), fingerprint: record.fingerprint } : null;
    });
  }

  /** Stops the subscriptions, waits for operations under way, then closes the client if the store opened it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    const live = this.live;
    this.live = null;
    await live?.unsubscribe().catch(() => undefined);
    await Promise.allSettled([...this.pending]);
    if (this.ownsClient) await this.client.dispose();
  }

  private track<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The event store is closed.'));
    const promise = work().catch((error: unknown) => {
      throw isUnavailable(error)
        ? new EventStoreUnavailableError(`KurrentDB: ${(error as Error).message}`, { cause: error })
        : error;
    });
    this.pending.add(promise);
    void promise.catch(() => undefined).finally(() => this.pending.delete(promise));
    return promise;
  }

  /** One atomic multi-stream append; `expected` is never `any` when the append carries a key. */
  private async write(append: PreparedAppend, expected: ExpectedRevision): Promise<AppendResult> {
    const { streamId, events } = append;
    const requests: AppendStreamRequest[] = [
      {
        streamName: streamId,
        events: events.map((e) => asEventData(toEventData(append, e))),
        expectedState: streamState(expected),
      },
      ...events.map((e): AppendStreamRequest => ({
        streamName: eventIdStreamOf(e.eventId),
        events: [asEventData(eventIdReservationData(streamId, append, randomUUID()))],
        expectedState: NO_STREAM,
      })),
    ];
    if (append.idempotency) {
      if (expected === 'any') throw new Error('An idempotent append needs a known revision.');
      const firstRevision = expected === 'no-stream' ? 0 : expected + 1;
      const record: IdempotencyRecord = {
        ...append.idempotency,
        streamId,
        firstRevision,
        count: events.length,
        nextExpectedRevision: firstRevision + events.length - 1,
      };
      requests.push({
        streamName: idempotencyStreamOf(append.idempotency.key),
        events: [asEventData(idempotencyRecordData(record, append, randomUUID()))],
        expectedState: NO_STREAM,
      });
    }
    const result = await this.client.multiStreamAppend(requests);
    const written = result.responses.find((r) => r.streamName === streamId);
    if (!written) throw new Error(`KurrentDB did not report the revision of ${streamId} after appending to it.`);
    const last = Number(written.revision);
    // The append answers with revisions only: the events' $all positions are read back.
    const stored = await this.readRecords(streamId, {
      fromRevision: BigInt(last - events.length + 1),
      maxCount: events.length,
      requiresLeader: true,
    });
    if (stored.map((r) => r.id).join() !== events.map((e) => e.eventId).join()) {
      throw new Error(`The events read back from ${streamId} are not the ones just appended.`);
    }
    return {
      streamId,
      nextExpectedRevision: last,
      firstPosition: positionOf(firstOf(stored, streamId)),
      lastPosition: positionOf(lastOf(stored, streamId)),
      replayed: false,
    };
  }

  /**
   * An empty append only checks the expectation. KurrentDB cannot check a stream without
   * writing to it, so the check is a read: an append racing with it may land just after.
   */
  private async appendNothing(append: PreparedAppend): Promise<AppendResult> {
    const actual = await this.lastRevision(append.streamId);
    if (!expectationHolds(append.expected, actual))
      throw new ConcurrencyError(append.streamId, append.expected, actual);
    if (append.idempotency) {
      const record: IdempotencyRecord = {
        ...append.idempotency,
        streamId: append.streamId,
        firstRevision: null,
        count: 0,
        nextExpectedRevision: actual,
      };
      try {
        await this.client.multiStreamAppend([
          {
            streamName: idempotencyStreamOf(append.idempotency.key),
            events: [asEventData(idempotencyRecordData(record, append, randomUUID()))],
            expectedState: NO_STREAM,
          },
        ]);
      } catch (error) {
        const earlier =
          error instanceof WrongExpectedVersionError ? await this.findRecord(append.idempotency.key) : null;
        if (earlier) return this.replay(earlier, append);
        throw error;
      }
    }
    return {
      streamId: append.streamId,
      nextExpectedRevision: actual,
      firstPosition: null,
      lastPosition: null,
      replayed: false,
    };
  }

  private async replay(record: IdempotencyRecord, append: PreparedAppend): Promise<AppendResult> {
    if (record.fingerprint !== append.idempotency?.fingerprint) throw new IdempotencyKeyReusedError(record.key);
    return this.resultOf(record);
  }

  /** The first result of an idempotent append, its positions read back from its stream. */
  private async resultOf(record: IdempotencyRecord): Promise<AppendResult> {
    let firstPosition: Position | null = null;
    let lastPosition: Position | null = null;
    if (record.firstRevision !== null && record.count > 0) {
      const stored = await this.readRecords(record.streamId, {
        fromRevision: BigInt(record.firstRevision),
        maxCount: record.count,
        requiresLeader: true,
      });
      if (stored.length !== record.count) {
        throw new Error(`The events of idempotency key ${record.key} are no longer in ${record.streamId}.`);
      }
      firstPosition = positionOf(firstOf(stored, record.streamId));
      lastPosition = positionOf(lastOf(stored, record.streamId));
    }
    return {
      streamId: record.streamId,
      nextExpectedRevision: record.nextExpectedRevision,
      firstPosition,
      lastPosition,
      replayed: true,
    };
  }

  private async findRecord(key: string): Promise<IdempotencyRecord | null> {
    const [event] = await this.readRecords(idempotencyStreamOf(key), { maxCount: 1, requiresLeader: true });
    const record = event ? parseIdempotencyRecord(event.data) : null;
    return record && record.key === key ? record : null;
  }

  /** The stream's last revision, -1 when it does not exist. Read from the leader: it decides appends. */
  private async lastRevision(streamId: string): Promise<number> {
    const [last] = await this.readRecords(streamId, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
      requiresLeader: true,
    });
    return last ? Number(last.revision) : -1;
  }

  /** The stream's events as KurrentDB records; empty when the stream does not exist. */
  private async readRecords(
    streamId: string,
    options: Parameters<KurrentDBClient['readStream']>[1],
  ): Promise<KurrentDbRecord[]> {
    const records: KurrentDbRecord[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event) records.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return records;
  }

  /**
   * Up to `maxCount` visible events of `$all` from `from` (inclusive, or exclusive when
   * `inclusive` is false; null: the start). Whether the server counts filtered-out events
   * against maxCount is not promised, so pages are read until one brings nothing new.
   */
  private async readVisible(
    from: KurrentDbLogPosition | null,
    inclusive: boolean,
    maxCount: number,
  ): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    if (maxCount === 0) return events;
    let cursor: ReadPosition = from ?? START;
    let skipThrough = inclusive ? null : from;
    for (;;) {
      let newest: KurrentDbLogPosition | null = null;
      const want = maxCount - events.length + (skipThrough === null ? 0 : 1);
      const page = this.readAllPage(cursor, FORWARDS, want);
      for await (const resolved of page) {
        const record: AllStreamRecordedEvent | undefined = resolved.event;
        if (!record) continue;
        if (skipThrough !== null && compareLogPositions(record.position, skipThrough) <= 0) continue;
        newest = record.position;
        if (!isVisibleStream(record.streamId)) continue;
        events.push(fromRecord(record));
        if (events.length === maxCount) return events;
      }
      if (newest === null) return events;
      cursor = newest;
      skipThrough = newest;
    }
  }

  private readAllPage(
    fromPosition: ReadPosition,
    direction: Direction,
    maxCount: number,
  ): AsyncIterableIterator<AllStreamResolvedEvent> {
    return this.client.readAll({
      fromPosition,
      direction,
      maxCount,
      filter: streamNameFilter({ regex: VISIBLE_STREAMS_REGEX }),
    });
  }

  /** One live `$all` subscription per store, used only to wake the polling subscriptions early. */
  private followLiveAppends(): void {
    if (this.live || this.closed) return;
    const live = this.client.subscribeToAll({
      fromPosition: END,
      filter: streamNameFilter({ regex: VISIBLE_STREAMS_REGEX }),
    });
    this.live = live;
    live.on('data', () => {
      for (const subscription of this.subscriptions) subscription.wake();
    });
    // Losing the wake-ups only slows delivery to the poll interval; the next subscribe() reopens it.
    live.on('error', () => {
      if (this.live === live) this.live = null;
    });
  }
}

/** gRPC status 14 (UNAVAILABLE): the client raises it as UnavailableError on reads, as a bare service error on appends. */
const isUnavailable = (error: unknown): boolean =>
  error instanceof UnavailableError || (error instanceof Error && (error as { code?: unknown }).code === 14);

const positionOf = (record: KurrentDbRecord): Position => fromRecord(record).position;

/** The first of the records read back from `streamId`; an error when none were. */
function firstOf(records: readonly KurrentDbRecord[], streamId: string): KurrentDbRecord {
  const [first] = records;
  if (!first) throw new Error(`No events were read back from ${streamId}.`);
  return first;
}

/** The last of the records read back from `streamId`; an error when none were. */
function lastOf(records: readonly KurrentDbRecord[], streamId: string): KurrentDbRecord {
  const last = records.at(-1);
  if (!last) throw new Error(`No events were read back from ${streamId}.`);
  return last;
}

/** The client types JSON data as an object, array or string; ours may be any JSON value. */
const asEventData = (event: KurrentDbEventData): EventData => event as unknown as EventData;
