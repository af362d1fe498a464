import type { KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SqlExecutor } from '../../sql-database.port.js';
import type { HashedEvent } from '../chain-rows.js';
import {
  verifyLog,
  type ChainFault,
  type ChainVerification,
  type EventCheck,
  type VerifyLogOptions,
} from '../verify-chain.js';
import {
  checkpointSignatureValid,
  entriesDigest,
  parseEntries,
  parseSignedCheckpoint,
  RECEIPT_FORMAT,
  type CheckpointEntry,
  type CheckpointRecord,
  type SignedCheckpoint,
} from './checkpoint.js';
import { checkpointEntries, listCheckpoints } from './checkpoint-table.js';
import { ChainHistory } from '../reseal/chain-history.js';

export interface CheckpointSources {
  /** The key checkpoints must verify with (the auditor's copy, not one read from the database). */
  publicKey: KeyObject;
  /** Receipts an auditor kept (GET /integrity/checkpoint): signed heads without entries. */
  receipts?: readonly SignedCheckpoint[];
  /** Records of an anchor file (readAnchorFile), with their entries. */
  anchored?: readonly CheckpointRecord[];
}

export type CheckpointedVerification = ChainVerification & {
  /** Distinct signed checkpoints checked (database, anchor file and receipts together). */
  checkpoints: number;
  /** The last signed position: events after it are protected by their hash chain only. */
  signedThrough: string | null;
};

type Source = 'database' | 'anchor file' | 'receipt';

/** Marks entries kept in the database, read when the walk gets there (no entries text can be mistaken for it). */
const IN_DATABASE = Symbol('entries in the database');

interface Signed {
  checkpoint: SignedCheckpoint;
  source: Source;
  /** Entries text; IN_DATABASE to read them when the walk gets there; null for a receipt. */
  entries: string | typeof IN_DATABASE | null;
}

const before = (a: string, b: string): boolean => BigInt(a) < BigInt(b);

function badCheckpoint(checkpoint: SignedCheckpoint, source: Source, why: string): ChainFault {
  return {
    position: checkpoint.position,
    reason: 'bad-checkpoint',
    expected: `a checkpoint signed with the given key`,
    actual: `key ${checkpoint.keyId}, signature ${checkpoint.signature.slice(0, 16)}…`,
    detail: `the checkpoint at position ${checkpoint.position} (${source}) ${why}: it was forged or edited`,
  };
}

/**
 * Follows the signed checkpoints through the walk: every event a checkpoint's entries name must be
 * in the log with that hash, and no other event may sit in the range a checkpoint covers. A receipt
 * without entries pins its head only.
 */
class SignedEntries implements EventCheck {
  private index = 0;
  private queue: CheckpointEntry[] | null = null;
  private exhaustive = false;
  private next = 0;

  constructor(
    private readonly db: SqlExecutor,
    private readonly checkpoints: readonly Signed[],
    private readonly history: ChainHistory,
  ) {}

  /** The event's hash under the chain version the current checkpoint was signed in (a re-chain keeps the older ones). */
  private hashSigned(event: HashedEvent): string | null {
    const version = this.history.versionOfCheckpoint(this.current().checkpoint.position);
    return this.history.hashIn(version, String(event.position), event.hash);
  }

  /** The checkpoint whose entries are being matched; only called while one is left. */
  private current(): Signed {
    const signed = this.checkpoints[this.index];
    if (!signed) throw new Error(`No checkpoint at index ${this.index}: every checkpoint is used up.`);
    return signed;
  }

  /** The entries of the current checkpoint, read when first needed; a fault when they do not match its digest. */
  private async load(): Promise<ChainFault | null> {
    const { checkpoint, entries, source } = this.current();
    this.next = 0;
    if (entries === null) {
      this.queue = [{ position: checkpoint.position, hash: checkpoint.headHash }];
      this.exhaustive = false;
      return null;
    }
    const text = entries === IN_DATABASE ? await checkpointEntries(this.db, checkpoint.position) : entries;
    const parsed = text === null ? null : parseEntries(text);
    const last = parsed?.at(-1);
    if (
      text === null ||
      parsed === null ||
      entriesDigest(text) !== checkpoint.entriesDigest ||
      last === undefined ||
      last.position !== checkpoint.position ||
      last.hash !== checkpoint.headHash
    ) {
      return badCheckpoint(checkpoint, source, 'has entries that do not match its signed digest');
    }
    this.queue = parsed;
    this.exhaustive = true;
    return null;
  }

  /** The next signed entry, or null when every checkpoint is used up. */
  private async peek(): Promise<CheckpointEntry | ChainFault | null> {
    for (;;) {
      if (this.index >= this.checkpoints.length) return null;
      if (this.queue === null) {
        const fault = await this.load();
        if (fault) return fault;
      }
      const entry = this.queue?.[this.next];
      if (entry !== undefined) return entry;
      this.index++;
      this.queue = null;
    }
  }

  async check(event: HashedEvent): Promise<ChainFault | null> {
    const position = String(event.position);
    const expected = await this.peek();
    if (expected === null) return null;
    if ('reason' in expected) return expected;
    if (before(expected.position, position)) {
      return {
        position: expected.position,
        reason: 'missing-event',
        expected: `an event at position ${expected.position} with hash ${expected.hash}`,
        actual: `the log goes on at position ${position}`,
        detail: `the checkpoint at position ${this.current().checkpoint.position} signed an event at position ${expected.position}, and the log has none: it was deleted and the chain relinked`,
      };
    }
    if (expected.position === position) {
      this.next++;
      const actual = this.hashSigned(event);
      if (expected.hash === actual) return null;
      return {
        position,
        reason: 'rewritten',
        expected: expected.hash,
        actual,
        detail: `the event at position ${position} (${event.streamId} revision ${event.revision}, ${event.type}) is not the one the checkpoint at position ${this.current().checkpoint.position} signed: it was rewritten and the chain recomputed`,
      };
    }
    const { checkpoint } = this.current();
    if (this.exhaustive && (checkpoint.previousPosition === null || before(checkpoint.previousPosition, position))) {
      return {
        position,
        reason: 'unsigned-event',
        expected: `no event between position ${checkpoint.previousPosition ?? 0} and ${expected.position}`,
        actual: `${event.streamId} revision ${event.revision}, ${event.type}`,
        detail: `the event at position ${position} is not among those the checkpoint at position ${checkpoint.position} signed: it was inserted`,
      };
    }
    return null;
  }

  async finish(lastPosition: string | null): Promise<ChainFault | null> {
    const expected = await this.peek();
    if (expected === null) return null;
    if ('reason' in expected) return expected;
    const { checkpoint, source } = this.current();
    return {
      position: expected.position,
      reason: 'truncated',
      expected: `an event at position ${expected.position} with hash ${expected.hash}`,
      actual: lastPosition === null ? 'an empty log' : `the log ends at position ${lastPosition}`,
      detail: `the checkpoint at position ${checkpoint.position} (${source}) signed position ${expected.position}, beyond the end of the log: its tail was cut off`,
    };
  }
}

/**
 * Verifies the live log against its hash chain and against every signed checkpoint the database,
 * an anchor file and the receipts hold, naming the first position (by log order) where either
 * breaks. Signatures are checked with `publicKey` only; an edit-and-recompute, a delete-and-relink,
 * an insertion, a truncation or a forged tail up to the last signed position fails at its position.
 */
export async function verifyLogWithCheckpoints(
  db: SqlExecutor,
  sources: CheckpointSources,
  options: Omit<VerifyLogOptions, 'also'> = {},
): Promise<CheckpointedVerification> {
  const faults: ChainFault[] = [];
  const signed = new Map<string, Signed>();
  const candidates: Signed[] = [
    ...(await listCheckpoints(db)).map((checkpoint): Signed => ({
      checkpoint,
      source: 'database',
      entries: IN_DATABASE,
    })),
    ...(sources.anchored ?? []).map(({ entries, ...checkpoint }): Signed => ({
      checkpoint,
      source: 'anchor file',
      entries,
    })),
    ...(sources.receipts ?? []).map((checkpoint): Signed => ({ checkpoint, source: 'receipt', entries: null })),
  ];
  for (const candidate of candidates) {
    const { checkpoint, source } = candidate;
    if (!checkpointSignatureValid(checkpoint, sources.publicKey)) {
      faults.push(badCheckpoint(checkpoint, source, 'does not verify with the given public key'));
      continue;
    }
    const known = signed.get(checkpoint.position);
    if (!known) {
      signed.set(checkpoint.position, candidate);
      continue;
    }
    const other = known.checkpoint;
    if (
      other.headHash !== checkpoint.headHash ||
      other.entriesDigest !== checkpoint.entriesDigest ||
      other.previousPosition !== checkpoint.previousPosition
    ) {
      faults.push({
        position: checkpoint.position,
        reason: 'conflicting-checkpoints',
        expected: `head hash ${other.headHash} (${known.source})`,
        actual: `head hash ${checkpoint.headHash} (${source})`,
        detail: `two checkpoints signed with the key name different logs at position ${checkpoint.position}: the log was forked by someone holding the signing key`,
      });
    } else if (known.entries === null && candidate.entries !== null) {
      // The same signed head: prefer the copy that names every event it covers.
      signed.set(checkpoint.position, candidate);
    }
  }
  for (const { checkpoint, source } of signed.values()) {
    const previous = checkpoint.previousPosition;
    if (previous !== null && !signed.has(previous)) {
      faults.push({
        position: previous,
        reason: 'missing-checkpoint',
        expected: `a signed checkpoint at position ${previous}`,
        actual: null,
        detail: `the checkpoint at position ${checkpoint.position} (${source}) follows a checkpoint at position ${previous} that is nowhere: checkpoints were deleted`,
      });
    }
  }
  const ordered = [...signed.values()].sort((a, b) => (before(a.checkpoint.position, b.checkpoint.position) ? -1 : 1));
  const history = await ChainHistory.load(db);
  const walked = await verifyLog(db, { ...options, history, also: new SignedEntries(db, ordered, history) });
  const summary = { checkpoints: ordered.length, signedThrough: ordered.at(-1)?.checkpoint.position ?? null };

  const first = faults.reduce<ChainFault | null>(
    (earliest, fault) =>
      earliest === null || before(fault.position as string, earliest.position as string) ? fault : earliest,
    null,
  );
  if (first && (walked.ok || walked.position === null || before(first.position as string, walked.position))) {
    return { ok: false, ...first, events: walked.events, ...summary };
  }
  return { ...walked, ...summary };
}

/** A receipt file (GET /integrity/checkpoint), or what is wrong with it. */
export function parseReceipt(text: string): SignedCheckpoint | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if ((value as { format?: unknown } | null)?.format !== RECEIPT_FORMAT) return `not a ${RECEIPT_FORMAT}`;
  return parseSignedCheckpoint(value);
}

/** The records of an anchor file (FileCheckpointAnchor); throws naming the first line that is not one. */
export async function readAnchorFile(path: string): Promise<CheckpointRecord[]> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const records: CheckpointRecord[] = [];
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new Error(`${path} line ${line}: not JSON`);
      }
      const checkpoint = parseSignedCheckpoint(value);
      const entries = (value as { entries?: unknown }).entries;
      if (typeof checkpoint === 'string' || typeof entries !== 'string') {
        throw new Error(
          `${path} line ${line}: not a checkpoint record (${typeof checkpoint === 'string' ? checkpoint : 'no entries'})`,
        );
      }
      records.push({ ...checkpoint, entries });
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return records;
}
