import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { SqlDatabase, SqlExecutor } from '../../sql-database.port.js';
import { readChainPage } from '../chain-rows.js';
import { GENESIS_HASH } from '../event-hash.js';
import { ChainVerifier } from '../verify-chain.js';
import {
  checkpointSignatureValid,
  checkpointStatementText,
  entriesDigest,
  entriesText,
  type CheckpointRecord,
  type CheckpointStatement,
  type SignedCheckpoint,
} from './checkpoint.js';
import { ChainHistory } from '../reseal/chain-history.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import {
  anchorProgress,
  checkpointsAfter,
  insertCheckpoint,
  latestCheckpoint,
  saveAnchorProgress,
} from './checkpoint-table.js';

/** Held while signing, so two workers never sign two different heads after the same checkpoint. */
export const CHECKPOINT_LOCK_KEY = 4_711_020_013;

const MAX_POSITION = '9223372036854775807';

/** Somewhere outside the database that receives every checkpoint, in position order. */
export abstract class CheckpointAnchor {
  /** Names its progress row in integrity_checkpoint_anchors. */
  abstract readonly name: string;
  /** Resolves once the records are stored there; a rejection is retried from the same record. */
  abstract publish(records: readonly CheckpointRecord[]): Promise<void>;
}

/**
 * An append-only NDJSON file of checkpoint records (with their entries), flushed to disk before
 * the anchor's progress moves. A crash in between appends the same record again; verify accepts
 * the duplicate (same position, same signature).
 */
export class FileCheckpointAnchor extends CheckpointAnchor {
  readonly name: string;
  constructor(readonly path: string) {
    super();
    // Named by its path: a file configured anew receives every checkpoint from the first.
    this.name = `file:${resolve(path)}`;
  }

  async publish(records: readonly CheckpointRecord[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a', 0o644);
    try {
      await file.writeFile(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
      await file.datasync();
    } finally {
      await file.close();
    }
  }
}

/** The checkpointer will not sign: the chain since the last checkpoint does not verify, or that checkpoint does not. */
export class CheckpointRefusedError extends Error {
  readonly code = 'checkpoint-refused';
  constructor(
    readonly position: string | null,
    detail: string,
  ) {
    super(`No checkpoint signed: ${detail}`);
    this.name = 'CheckpointRefusedError';
  }
}

export interface CheckpointerOptions {
  /** Sign once this many events are unsigned (and at most this many per checkpoint). */
  everyEvents: number;
  /** Or once the last checkpoint is this old and an event is unsigned. */
  intervalMs: number;
  clock?: () => Date;
  anchors?: readonly CheckpointAnchor[];
}

/**
 * Signs the chain head in the background (never in the append path): one checkpoint per
 * `everyEvents` events, or per `intervalMs` when fewer arrive, each covering the events since the
 * one before it. Before signing it walks those events (own hashes and links from the last signed
 * head), so it never signs a tail that was already tampered with.
 */
export class Checkpointer {
  private readonly clock: () => Date;
  readonly anchors: readonly CheckpointAnchor[];

  constructor(
    private readonly db: SqlDatabase,
    private readonly signer: CheckpointSigner,
    private readonly options: CheckpointerOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.anchors = options.anchors ?? [];
  }

  /** Signs every checkpoint that is due, then hands the new ones to the anchors. Returns those signed. */
  async runOnce(): Promise<CheckpointRecord[]> {
    const signed: CheckpointRecord[] = [];
    for (;;) {
      const record = await this.checkpoint();
      if (!record) break;
      signed.push(record);
    }
    await this.anchor();
    return signed;
  }

  /** Signs one checkpoint if one is due; null otherwise. */
  checkpoint(): Promise<CheckpointRecord | null> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${CHECKPOINT_LOCK_KEY})`);
      const last = await latestCheckpoint(tx);
      if (last && !checkpointSignatureValid(last, this.signer.publicKey)) {
        throw new CheckpointRefusedError(
          last.position,
          `the latest checkpoint (position ${last.position}) does not verify with key ${this.signer.keyId}: it was edited, or signed with another key`,
        );
      }
      const after = last?.position ?? '0';
      const now = this.clock();
      const pending = await countAfter(tx, after, this.options.everyEvents);
      if (pending === 0) return null;
      const overdue = last === null || now.getTime() - Date.parse(last.signedAt) >= this.options.intervalMs;
      if (pending < this.options.everyEvents && !overdue) return null;

      const rows = await readChainPage(tx, after, MAX_POSITION, this.options.everyEvents);
      const chain = new ChainVerifier(last ? await signedHeadNow(tx, last) : GENESIS_HASH);
      for (const row of rows) {
        const fault = chain.check(row, row.millisecondExact);
        if (fault) throw new CheckpointRefusedError(fault.position, fault.detail);
      }
      const entries = entriesText(rows.map((r) => ({ position: String(r.position), hash: r.hash as string })));
      const statement: CheckpointStatement = {
        position: chain.lastPosition as string,
        headHash: chain.headHash,
        signedAt: now.toISOString(),
        keyId: this.signer.keyId,
        previousPosition: last?.position ?? null,
        entriesDigest: entriesDigest(entries),
      };
      const signature = await this.signer.sign(Buffer.from(checkpointStatementText(statement), 'utf8'));
      const record: CheckpointRecord = { ...statement, signature: Buffer.from(signature).toString('base64'), entries };
      await insertCheckpoint(tx, record);
      return record;
    });
  }

  /** Hands each anchor the checkpoints it has not received yet, in order; the first failure is thrown after the others ran. */
  async anchor(): Promise<void> {
    let failure: Error | null = null;
    for (const anchor of this.anchors) {
      try {
        for (;;) {
          const records = await checkpointsAfter(this.db, await anchorProgress(this.db, anchor.name), 20);
          const newest = records.at(-1);
          if (!newest) break;
          await anchor.publish(records);
          await saveAnchorProgress(this.db, anchor.name, newest.position);
        }
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (failure !== null) throw failure;
  }
}

/**
 * The hash the chain now has at the last checkpoint's head: its signed head hash, unless a re-chain
 * (docs/integrity.md, "Re-chains") recomputed it since, in which case the re-chain must have recorded
 * the signed hash as the one it replaced there.
 */
async function signedHeadNow(tx: SqlExecutor, last: SignedCheckpoint): Promise<string> {
  const history = await ChainHistory.load(tx);
  const version = history.versionOfCheckpoint(last.position);
  if (version === history.current) return last.headHash;
  const { rows } = await tx.query<{ hash: string | null }>('SELECT hash FROM events WHERE position = $1', [
    last.position,
  ]);
  const now = rows[0]?.hash ?? null;
  if (history.hashIn(version, last.position, now) !== last.headHash || now === null) {
    throw new CheckpointRefusedError(
      last.position,
      `the latest checkpoint (position ${last.position}) signed a head that the re-chain to version ${history.current} did not record as replaced`,
    );
  }
  return now;
}

async function countAfter(db: SqlExecutor, after: string, cap: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE position > $1 ORDER BY position LIMIT $2) s',
    [after, cap],
  );
  const [row] = rows;
  if (!row) throw new Error('count(*) returned no row.');
  return Number(row.n);
}
