import { randomUUID } from 'node:crypto';
import type { Position, StoredEvent } from '../../event-store.port.js';
import type { PersonKeys } from '../../personal-data/person-keys.js';
import { encryptPersonal, isPersonalEnvelope } from '../../personal-data/personal-data-codec.js';
import { mapPersonalFields, PERSONAL_FIELDS } from '../../personal-data/personal-fields.js';
import { APPEND_LOCK_KEY, EVENTS_APPENDED_CHANNEL } from '../../sql-event-store.adapter.js';
import type { SqlDatabase, SqlExecutor } from '../../sql-database.port.js';
import { readChainHead, readChainPage } from '../chain-rows.js';
import { latestCheckpoint } from '../checkpoints/checkpoint-table.js';
import { CHECKPOINT_LOCK_KEY } from '../checkpoints/checkpointer.js';
import { GENESIS_HASH, hashEvent } from '../event-hash.js';
import { verifyLog, type ChainBreak, type ChainVerification } from '../verify-chain.js';
import {
  CHAIN_RESEALED,
  ChainHistory,
  digestOf,
  INTEGRITY_STREAM_ID,
  resealedDataOf,
  supersededLine,
  type ChainVersion,
  type SupersededHash,
} from './chain-history.js';

export interface ResealOptions {
  keys: PersonKeys;
  /** Recorded in chain_versions and the ChainResealed event. */
  reason: string;
  /** Who ran it (actorText), the ChainResealed event's actor. */
  actor: string;
  now: Date;
  /** The check run before and after, in the transaction (default verifyLog; the CLI adds the signed checkpoints). */
  verify?: (tx: SqlExecutor) => Promise<ChainVerification>;
  pageSize?: number;
  /** Do everything, then roll it back (a dry run): resolves to what it would have done. */
  rollback?: boolean;
}

export type ResealResult =
  | { resealed: false; chainVersion: number; events: number }
  | {
      resealed: true;
      chainVersion: number;
      fromPosition: string;
      throughPosition: string;
      previousHeadHash: string;
      newHeadHash: string;
      rehashed: number;
      changed: number;
      eventPosition: string;
      events: number;
    };

/** The chain did not verify before the re-chain (nothing was changed) or after it (it was rolled back). */
export class ResealRefusedError extends Error {
  constructor(
    readonly stage: 'before' | 'after',
    readonly broken: ChainBreak,
  ) {
    super(
      stage === 'before'
        ? `the chain does not verify, so it is not re-chained: position ${broken.position ?? 'unknown'}, ${broken.reason}: ${broken.detail}`
        : `the re-chained log did not verify and was rolled back: position ${broken.position ?? 'unknown'}, ${broken.reason}: ${broken.detail}`,
    );
    this.name = 'ResealRefusedError';
  }
}

const PERSONAL_TYPES = Object.keys(PERSONAL_FIELDS);

/** The personal-field paths of this event that still hold a value in the clear. */
function plaintextPaths(type: string, data: unknown): string[] {
  const paths: string[] = [];
  mapPersonalFields(type, data, (value, path) => {
    if (!isPersonalEnvelope(value)) paths.push(path);
    return value;
  });
  return paths;
}

/** `attendees[2].name` as a jsonb path, `{attendees,2,name}`. */
const jsonbPath = (path: string): string[] =>
  path.split('.').flatMap((step) => {
    const many = /^(.*)\[(\d+)\]$/.exec(step);
    return many ? [many[1]!, many[2]!] : [step];
  });

const nameOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

async function firstPlaintext(tx: SqlExecutor, pageSize: number): Promise<string | null> {
  let after = '0';
  for (;;) {
    const { rows } = await tx.query<{ position: string; type: string; data: unknown }>(
      'SELECT position, type, data FROM events WHERE type = ANY($1::text[]) AND position > $2 ORDER BY position LIMIT $3',
      [PERSONAL_TYPES, after, pageSize],
    );
    for (const row of rows) if (plaintextPaths(row.type, row.data).length > 0) return String(row.position);
    if (rows.length < pageSize) return null;
    after = String(rows.at(-1)!.position);
  }
}

/** Appends one event inside the caller's transaction (which holds the append lock), linked to `prevHash`. */
async function appendInTransaction(
  tx: SqlExecutor,
  prevHash: string,
  event: Pick<StoredEvent, 'streamId' | 'type' | 'actor' | 'data'>,
  now: Date,
): Promise<string> {
  const revision = await tx.query<{ next: number }>(
    'SELECT (coalesce(max(revision), -1) + 1)::int AS next FROM events WHERE stream_id = $1',
    [event.streamId],
  );
  const position = await tx.query<{ position: string }>(
    `SELECT nextval(pg_get_serial_sequence('events', 'position'))::text AS position`,
  );
  const eventId = randomUUID();
  const stored: StoredEvent = {
    ...event,
    eventId,
    revision: Number(revision.rows[0]!.next),
    position: position.rows[0]!.position as Position,
    schemaVersion: 1,
    occurredAt: now.toISOString(),
    recordedAt: now.toISOString(),
    correlationId: eventId,
    causationId: null,
  };
  await tx.query(
    `INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor,
                         correlation_id, causation_id, data, hash, prev_hash)
     OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7, $8, NULL, $9::jsonb, $10, $11)`,
    [
      stored.position,
      eventId,
      stored.streamId,
      stored.revision,
      stored.type,
      stored.recordedAt,
      stored.actor,
      eventId,
      JSON.stringify(stored.data),
      hashEvent(stored, prevHash),
      prevHash,
    ],
  );
  await tx.query('SELECT pg_notify($1, $2)', [EVENTS_APPENDED_CHANNEL, stored.position]);
  return stored.position;
}

/**
 * Seals the personal fields that events written before personal data was encrypted still hold in
 * the clear (issue 18 item 5; docs/integrity.md "Re-chains", docs/security.md "Personal data"), in
 * one transaction under the checkpoint and append locks, so a crash leaves the old chain or the new:
 *
 * 1. verifies the whole chain (refuses, naming position and reason, when it does not);
 * 2. replaces each plaintext personal field with an envelope under its person's key (the same
 *    codec and keys as an append), changing no other byte of the stored data;
 * 3. recomputes every hash from the first changed event to the head, keeping each replaced hash in
 *    `chain_superseded_hashes` under the new chain version (`chain_versions`);
 * 4. records the re-chain as `ChainResealed` in the stream `integrity` (old and new head hash,
 *    range, counts, digest of the replaced hashes; no personal data);
 * 5. verifies again (the re-chain checks included) and rolls everything back if that fails.
 *
 * Nothing to seal: nothing changes and nothing is appended, so a second run is a no-op.
 */
export async function resealPersonalData(db: SqlDatabase, options: ResealOptions): Promise<ResealResult> {
  const pageSize = options.pageSize ?? 500;
  const verify = options.verify ?? ((tx: SqlExecutor) => verifyLog(tx));
  try {
    return await db.transaction((tx) => reseal(tx, options, pageSize, verify));
  } catch (error) {
    if (error instanceof RolledBack) return error.result;
    throw error;
  }
}

class RolledBack extends Error {
  constructor(readonly result: ResealResult) {
    super('dry run: rolled back');
  }
}

async function reseal(
  tx: SqlExecutor,
  options: ResealOptions,
  pageSize: number,
  verify: (tx: SqlExecutor) => Promise<ChainVerification>,
): Promise<ResealResult> {
  await tx.query(`SELECT pg_advisory_xact_lock(${CHECKPOINT_LOCK_KEY})`);
  await tx.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
  const before = await verify(tx);
  if (!before.ok) throw new ResealRefusedError('before', before);
  const history = await ChainHistory.load(tx);
  const first = await firstPlaintext(tx, pageSize);
  const head = await readChainHead(tx);
  if (first === null || head === null) return { resealed: false, chainVersion: history.current, events: before.events };

  const version = history.current + 1;
  const checkpointsThrough = (await latestCheckpoint(tx))?.position ?? null;
  const previous = await tx.query<{ hash: string }>(
    'SELECT hash FROM events WHERE position < $1 ORDER BY position DESC LIMIT 1',
    [first],
  );
  let prev = previous.rows[0]?.hash ?? GENESIS_HASH;
  const lines: string[] = [];
  let after = String(BigInt(first) - 1n);
  let changed = 0;
  let rehashed = 0;
  let previousHeadHash = '';
  for (;;) {
    const page = await readChainPage(tx, after, head.position, pageSize);
    if (page.length === 0) break;
    const superseded: SupersededHash[] = [];
    const hashes: string[] = [];
    const prevs: string[] = [];
    for (const event of page) {
      const paths = plaintextPaths(event.type, event.data);
      let data = event.data;
      if (paths.length > 0) {
        const sealing = new Set(paths);
        const envelopes: [string[], unknown][] = [];
        const names = new Set<string>();
        mapPersonalFields(event.type, event.data, (value, at) => {
          if (sealing.has(at)) names.add(nameOf(value));
          return value;
        });
        const keys = new Map<string, { personId: string; key: Buffer }>();
        for (const name of names) keys.set(name, await options.keys.keyFor(name, tx));
        data = mapPersonalFields(event.type, event.data, (value, at) => {
          if (!sealing.has(at)) return value;
          const { personId, key } = keys.get(nameOf(value))!;
          const envelope = encryptPersonal(personId, key, value);
          envelopes.push([jsonbPath(at), envelope]);
          return envelope;
        });
        // jsonb_set field by field: every other byte of the stored data stays as it is.
        let expression = 'data';
        const params: unknown[] = [event.position];
        for (const [path, envelope] of envelopes) {
          params.push(path, JSON.stringify(envelope));
          expression = `jsonb_set(${expression}, $${params.length - 1}::text[], $${params.length}::jsonb, false)`;
        }
        await tx.query(`UPDATE events SET data = ${expression} WHERE position = $1`, params);
        changed++;
      }
      const hash = hashEvent({ ...event, data }, prev);
      superseded.push({ position: event.position, hash: event.hash!, prevHash: event.prevHash!, sealed: paths });
      hashes.push(hash);
      prevs.push(prev);
      prev = hash;
      previousHeadHash = event.hash!;
      after = event.position;
    }
    await tx.query(
      `UPDATE events SET hash = u.hash, prev_hash = u.prev_hash
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(position, hash, prev_hash)
          WHERE events.position = u.position`,
      [superseded.map((s) => s.position), hashes, prevs],
    );
    await tx.query(
      `INSERT INTO chain_superseded_hashes (version, position, hash, prev_hash, sealed)
         SELECT $1, u.position, u.hash, u.prev_hash, u.sealed
           FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(position, hash, prev_hash, sealed)`,
      [
        version,
        superseded.map((s) => s.position),
        superseded.map((s) => s.hash),
        superseded.map((s) => s.prevHash),
        superseded.map((s) => s.sealed.join(',')),
      ],
    );
    lines.push(...superseded.map(supersededLine));
    rehashed += page.length;
  }
  const recorded: Omit<ChainVersion, 'eventPosition'> = {
    version,
    fromPosition: first,
    throughPosition: head.position,
    previousHeadHash,
    newHeadHash: prev,
    checkpointsThrough,
    changed,
    supersededDigest: digestOf(lines),
    reason: options.reason,
  };
  const eventPosition = await appendInTransaction(
    tx,
    prev,
    {
      streamId: INTEGRITY_STREAM_ID,
      type: CHAIN_RESEALED,
      actor: options.actor,
      data: resealedDataOf({ ...recorded, eventPosition: '' }, rehashed),
    },
    options.now,
  );
  await tx.query(
    `INSERT INTO chain_versions (version, from_position, through_position, previous_head_hash, new_head_hash,
                                   checkpoints_through, changed, superseded_digest, event_position, rechained_at, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      version,
      first,
      head.position,
      previousHeadHash,
      prev,
      checkpointsThrough,
      changed,
      recorded.supersededDigest,
      eventPosition,
      options.now.toISOString(),
      options.reason,
    ],
  );
  const checked = await verify(tx);
  if (!checked.ok) throw new ResealRefusedError('after', checked);
  const result: ResealResult = {
    resealed: true,
    chainVersion: version,
    fromPosition: first,
    throughPosition: head.position,
    previousHeadHash,
    newHeadHash: prev,
    rehashed,
    changed,
    eventPosition,
    events: checked.events,
  };
  if (options.rollback) throw new RolledBack(result);
  return result;
}
