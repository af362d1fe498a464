import type { SqlExecutor } from '../sql-database.port.js';
import { readChainHead, readChainPage, type HashedEvent } from './chain-rows.js';
import { GENESIS_HASH, hashEvent, isHash } from './event-hash.js';
import { ChainHistory } from './reseal/chain-history.js';
import { ReChainCheck } from './reseal/rechain-check.js';

export type ChainBreakReason =
  /** The event's content (or position) no longer matches its stored hash: edited or moved. */
  | 'hash-mismatch'
  /** Its previous hash is not the hash of the event before it: an event was deleted, inserted or moved. */
  | 'broken-link'
  /** No hash stored: the row was written around the store. */
  | 'missing-hash'
  /** Positions do not increase (export files only: the database orders by position). */
  | 'out-of-order'
  /** A stream export skips a revision (an event of the stream is missing). */
  | 'revision-gap'
  /** The file ends before the head its header names (events cut off the end). */
  | 'head-mismatch'
  /** A line of an export file is not an event of this format. */
  | 'malformed'
  /** A signed checkpoint (database, anchor file or receipt) does not verify with the public key. */
  | 'bad-checkpoint'
  /** Two checkpoints signed with the key name different heads at one position. */
  | 'conflicting-checkpoints'
  /** A checkpoint names one before it that no source holds: checkpoint rows were deleted. */
  | 'missing-checkpoint'
  /** The event's hash is not the one a checkpoint signed: rewritten and the chain recomputed. */
  | 'rewritten'
  /** A checkpoint signed an event at this position and the log has none: deleted (and the chain relinked). */
  | 'missing-event'
  /** The log holds an event a checkpoint covering its position did not sign: inserted. */
  | 'unsigned-event'
  /** A signed position lies beyond the end of the log: its tail was cut off (or replaced). */
  | 'truncated'
  /** A recorded re-chain does not hold: more than personal fields changed, or it is not recorded as it says. */
  | 'bad-rechain';

export interface ChainOk {
  ok: true;
  /** Events verified. */
  events: number;
  /** The last event verified (null when there is none). */
  headPosition: string | null;
  /** Its hash (the genesis hash when there is no event): record it to detect a later truncation. */
  headHash: string;
  /** The chain version, once the log was re-chained (docs/integrity.md "Re-chains"); absent: version 1. */
  chainVersion?: number;
  /** Re-chained events whose hash before the re-chain could not be recomputed: a person in them was erased since. */
  unrecomputable?: number;
}

export interface ChainBreak {
  ok: false;
  /** The first position where the chain breaks (null when a file line has no readable position). */
  position: string | null;
  reason: ChainBreakReason;
  expected: string | null;
  actual: string | null;
  /** What differs, for a person. */
  detail: string;
  /** Events verified before the break. */
  events: number;
  /** Line of the export file (1 = header), for offline verification. */
  line?: number;
}

export type ChainVerification = ChainOk | ChainBreak;

export interface VerifyProgress {
  events: number;
  position: string | null;
  /** The position verification runs up to (null for a file, whose end is unknown). */
  headPosition: string | null;
}

export interface VerifyLogOptions {
  /** Events per query (default 1000). */
  pageSize?: number;
  onProgress?: (progress: VerifyProgress) => void;
  /** Checked after each event that continues the chain, then once at its end (signed checkpoints). */
  also?: EventCheck;
  /** The recorded re-chains (default: read from the database). */
  history?: ChainHistory;
}

export interface EventCheck {
  check(event: HashedEvent): Promise<ChainFault | null>;
  /** After the last event (`lastPosition` null for an empty log). */
  finish(lastPosition: string | null): Promise<ChainFault | null>;
}

export type ChainFault = Omit<ChainBreak, 'ok' | 'events' | 'line'>;

/** Checks one event's own hash: the hash recomputed from its envelope and stated previous hash. */
export function checkOwnHash(event: HashedEvent, millisecondExact = true): ChainFault | null {
  const position = String(event.position);
  if (!isHash(event.hash) || !isHash(event.prevHash)) {
    return {
      position,
      reason: 'missing-hash',
      expected: 'a SHA-256 hash and previous hash',
      actual: `hash ${event.hash ?? 'null'}, prev_hash ${event.prevHash ?? 'null'}`,
      detail: `the event at position ${position} carries no hash: it was written around the event store`,
    };
  }
  const computed = hashEvent(event, event.prevHash);
  if (computed !== event.hash) {
    return {
      position,
      reason: 'hash-mismatch',
      expected: computed,
      actual: event.hash,
      detail: `the event at position ${position} (${event.streamId} revision ${event.revision}, ${event.type}) does not match its stored hash: its content or position changed after it was recorded`,
    };
  }
  if (!millisecondExact) {
    return {
      position,
      reason: 'hash-mismatch',
      expected: 'times with millisecond precision, as the store writes them',
      actual: 'occurred_at or recorded_at with sub-millisecond digits',
      detail: `a time of the event at position ${position} was edited below the millisecond`,
    };
  }
  return null;
}

/**
 * Walks the global chain event by event, in position order. Positions may skip values (a rolled
 * back append draws sequence values too), so a deletion shows as a broken link, never as a gap.
 */
export class ChainVerifier {
  private previousHash: string;
  private previousPosition: bigint | null = null;
  private count = 0;

  constructor(startHash: string = GENESIS_HASH) {
    this.previousHash = startHash;
  }

  get events(): number {
    return this.count;
  }

  get headHash(): string {
    return this.previousHash;
  }

  get lastPosition(): string | null {
    return this.previousPosition === null ? null : String(this.previousPosition);
  }

  /** Null when the event continues the chain; otherwise where and why it breaks. */
  check(event: HashedEvent, millisecondExact = true): ChainFault | null {
    const position = String(event.position);
    if (this.previousPosition !== null && BigInt(position) <= this.previousPosition) {
      return {
        position,
        reason: 'out-of-order',
        expected: `a position after ${this.previousPosition}`,
        actual: position,
        detail: `position ${position} follows position ${this.previousPosition}: events were reordered`,
      };
    }
    const own = checkOwnHash(event, millisecondExact);
    if (own) return own;
    if (event.prevHash !== this.previousHash) {
      const before = this.previousPosition === null ? 'the start of the log' : `position ${this.previousPosition}`;
      return {
        position,
        reason: 'broken-link',
        expected: this.previousHash,
        actual: event.prevHash,
        detail: `the event at position ${position} does not link to ${before}: an event was deleted, inserted or moved before it`,
      };
    }
    this.previousHash = event.hash as string;
    this.previousPosition = BigInt(position);
    this.count++;
    return null;
  }
}

/**
 * Verifies the whole log in the database, in pages, up to the head it saw when it started
 * (later appends are not its business). Resolves to the first break or to the head hash.
 */
export async function verifyLog(db: SqlExecutor, options: VerifyLogOptions = {}): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 1000;
  const history = options.history ?? (await ChainHistory.load(db));
  const rechains = new ReChainCheck(db, history);
  const also = options.also;
  const finish = async (last: string | null) => (await rechains.finish()) ?? (await also?.finish(last)) ?? null;
  const head = await readChainHead(db);
  const verifier = new ChainVerifier();
  // Reported only once the log was re-chained, so the answer for a log that never was is as it was.
  const rechained = () =>
    history.versions.length === 0 ? {} : { chainVersion: history.current, unrecomputable: rechains.unrecomputable };
  if (!head) {
    const fault = await finish(null);
    return fault
      ? { ok: false, ...fault, events: 0 }
      : { ok: true, events: 0, headPosition: null, headHash: GENESIS_HASH, ...rechained() };
  }
  let after = '0';
  for (;;) {
    const page = await readChainPage(db, after, head.position, pageSize);
    for (const row of page) {
      const broken =
        verifier.check(row, row.millisecondExact) ?? (await rechains.check(row)) ?? (await also?.check(row)) ?? null;
      if (broken) return { ok: false, ...broken, events: verifier.events };
    }
    const newest = page.at(-1);
    if (newest) after = String(newest.position);
    options.onProgress?.({ events: verifier.events, position: after, headPosition: head.position });
    if (page.length < pageSize) break;
  }
  const fault = await finish(verifier.lastPosition);
  if (fault) return { ok: false, ...fault, events: verifier.events };
  return {
    ok: true,
    events: verifier.events,
    headPosition: head.position,
    headHash: verifier.headHash,
    ...rechained(),
  };
}
