import type { SqlExecutor } from '../../sql-database.port.js';
import type { CheckpointRecord, SignedCheckpoint } from './checkpoint.js';

/**
 * The checkpoints table (migration event-store/0004-integrity-checkpoints). Anyone who can write
 * the events can write here too: a row proves something only through its signature, and a deleted
 * row shows through the `previous_position` of the next one, the anchor file and receipts.
 */
export const CHECKPOINTS_SQL = `
  CREATE TABLE integrity_checkpoints (
    position bigint PRIMARY KEY,
    head_hash text NOT NULL,
    -- the text that was signed, kept as text so it reads back byte for byte
    signed_at text NOT NULL,
    key_id text NOT NULL,
    previous_position bigint,
    entries_digest text NOT NULL,
    entries text NOT NULL,
    signature text NOT NULL
  );
  -- how far each anchor (file, Kafka topic) has received the checkpoints: an outbox, so a
  -- checkpoint signed while an anchor is down reaches it later
  CREATE TABLE integrity_checkpoint_anchors (
    anchor text PRIMARY KEY,
    position bigint NOT NULL
  );
`;

interface Row {
  position: string;
  head_hash: string;
  signed_at: string;
  key_id: string;
  previous_position: string | null;
  entries_digest: string;
}

const STATEMENT_COLUMNS = 'position, head_hash, signed_at, key_id, previous_position, entries_digest, signature';

const toSigned = (row: Row & { signature: string }): SignedCheckpoint => ({
  position: String(row.position),
  headHash: row.head_hash,
  signedAt: row.signed_at,
  keyId: row.key_id,
  previousPosition: row.previous_position === null ? null : String(row.previous_position),
  entriesDigest: row.entries_digest,
  signature: row.signature,
});

export async function insertCheckpoint(db: SqlExecutor, record: CheckpointRecord): Promise<void> {
  await db.query(
    `INSERT INTO integrity_checkpoints (position, head_hash, signed_at, key_id, previous_position, entries_digest, entries, signature)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (position) DO NOTHING`,
    [
      record.position,
      record.headHash,
      record.signedAt,
      record.keyId,
      record.previousPosition,
      record.entriesDigest,
      record.entries,
      record.signature,
    ],
  );
}

export async function latestCheckpoint(db: SqlExecutor): Promise<SignedCheckpoint | null> {
  const { rows } = await db.query<Row & { signature: string }>(
    `SELECT ${STATEMENT_COLUMNS} FROM integrity_checkpoints ORDER BY position DESC LIMIT 1`,
  );
  return rows[0] ? toSigned(rows[0]) : null;
}

/** Every checkpoint without its entries (a few hundred bytes each), in position order. */
export async function listCheckpoints(db: SqlExecutor): Promise<SignedCheckpoint[]> {
  const { rows } = await db.query<Row & { signature: string }>(
    `SELECT ${STATEMENT_COLUMNS} FROM integrity_checkpoints ORDER BY position`,
  );
  return rows.map(toSigned);
}

export async function checkpointEntries(db: SqlExecutor, position: string): Promise<string | null> {
  const { rows } = await db.query<{ entries: string }>(
    'SELECT entries FROM integrity_checkpoints WHERE position = $1',
    [position],
  );
  return rows[0]?.entries ?? null;
}

/** Checkpoints after `after` with their entries, in position order. */
export async function checkpointsAfter(db: SqlExecutor, after: string, limit: number): Promise<CheckpointRecord[]> {
  const { rows } = await db.query<Row & { signature: string; entries: string }>(
    `SELECT ${STATEMENT_COLUMNS}, entries FROM integrity_checkpoints WHERE position > $1 ORDER BY position LIMIT $2`,
    [after, limit],
  );
  return rows.map((row) => ({ ...toSigned(row), entries: row.entries }));
}

export async function anchorProgress(db: SqlExecutor, anchor: string): Promise<string> {
  const { rows } = await db.query<{ position: string }>(
    'SELECT position FROM integrity_checkpoint_anchors WHERE anchor = $1',
    [anchor],
  );
  return rows[0] ? String(rows[0].position) : '0';
}

export async function saveAnchorProgress(db: SqlExecutor, anchor: string, position: string): Promise<void> {
  await db.query(
    `INSERT INTO integrity_checkpoint_anchors (anchor, position) VALUES ($1, $2)
     ON CONFLICT (anchor) DO UPDATE SET position = EXCLUDED.position WHERE integrity_checkpoint_anchors.position < EXCLUDED.position`,
    [anchor, position],
  );
}
