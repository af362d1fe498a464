/**
 * The SQL event store, on a real database, with its positions shown in KurrentDB's `$all` form
 * (`<commit>/<prepare>`, 16 hex digits each). No KurrentDB server can be had here, so the read side
 * (projections, relay, compliance evaluator, read-your-writes, metrics) proves it takes positions
 * that are not decimal numbers against this store: every position it sees, stores and hands back
 * is a commit/prepare pair. It says nothing about the KurrentDB adapter itself; that is what the
 * contract suite in test/event-store/kurrentdb.spec.ts is for, against a real server.
 *
 * SQL position n is commit `n × 256`, prepare `n × 256 − 64`: ordered like the log, with room
 * between events, as KurrentDB's byte offsets are. A position given by a user that falls between
 * two events is read as the next event (inclusive starts) or the one before (exclusive starts).
 */
import {
  EventStore,
  InvalidPositionError,
  compareKurrentDbPositions,
  decodeKurrentDbPosition,
  encodeKurrentDbPosition,
  parseKurrentDbPosition,
  type AppendOptions,
  type AppendResult,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from '#event-store';

const STRIDE = 256n;
const PREPARE_OFFSET = 64n;

export class CommitPreparePositionStore extends EventStore {
  constructor(readonly inner: EventStore) {
    super();
  }

  /** The pair the SQL position stands for. */
  static fromSql(position: Position): Position {
    const commit = BigInt(position) * STRIDE;
    return encodeKurrentDbPosition({ commit, prepare: commit - PREPARE_OFFSET });
  }

  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.result(await this.inner.append(streamId, events, options));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return (await this.inner.readStream(streamId, options)).map(shown);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const fromPosition = options.fromPosition === undefined ? undefined : toSql(options.fromPosition, 'ceil');
    return (await this.inner.readAll({ ...options, fromPosition })).map(shown);
  }

  subscribe(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    const after = options.after == null ? options.after : toSql(options.after, 'floor');
    return this.inner.subscribe((events) => handler(events.map(shown)), { ...options, after });
  }

  async headPosition(): Promise<Position | null> {
    const head = await this.inner.headPosition();
    return head === null ? null : CommitPreparePositionStore.fromSql(head);
  }

  comparePositions(a: Position, b: Position): number {
    return compareKurrentDbPositions(a, b);
  }

  eventsBetween(from: Position | null, to: Position, limit?: number): Promise<number> {
    return this.inner.eventsBetween(from === null ? null : toSql(from, 'floor'), toSql(to, 'floor'), limit);
  }

  parsePosition(text: string): Position {
    return parseKurrentDbPosition(text);
  }

  async findIdempotentResult(key: string): Promise<(AppendResult & { fingerprint: string }) | null> {
    const found = await this.inner.findIdempotentResult(key);
    return found && { ...this.result(found), fingerprint: found.fingerprint };
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private result<T extends AppendResult>(result: T): T {
    const map = (p: Position | null) => (p === null ? null : CommitPreparePositionStore.fromSql(p));
    return { ...result, firstPosition: map(result.firstPosition), lastPosition: map(result.lastPosition) };
  }
}

function shown(event: StoredEvent): StoredEvent {
  return { ...event, position: CommitPreparePositionStore.fromSql(event.position) };
}

/** The SQL position of an event at or after (`ceil`) or at or before (`floor`) a commit/prepare pair. */
function toSql(position: Position, round: 'ceil' | 'floor'): Position {
  const { commit, prepare } = decodeKurrentDbPosition(position);
  if (prepare > commit) throw new InvalidPositionError(position);
  const whole = commit / STRIDE;
  const n = round === 'ceil' && commit % STRIDE !== 0n ? whole + 1n : whole;
  return n.toString() as Position;
}
