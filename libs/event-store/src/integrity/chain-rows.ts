import type { Position, StoredEvent } from '../event-store.port.js';
import type { SqlExecutor } from '../sql-database.port.js';

/** A stored event with its place in the hash chain (kept out of the port's StoredEvent on purpose). */
export interface HashedEvent extends StoredEvent {
  /** Null only for a row written around the store (the store always writes both). */
  hash: string | null;
  prevHash: string | null;
}

export interface ChainRow extends HashedEvent {
  /**
   * False when a stored time has sub-millisecond digits. The store writes milliseconds and the
   * hash covers the millisecond text the drivers read back, so such digits can only come from an
   * edit that the hash alone would not see.
   */
  millisecondExact: boolean;
}

interface Row {
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
  data: unknown;
  hash: string | null;
  prev_hash: string | null;
  ms_exact: boolean;
}

const COLUMNS = `position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor,
  correlation_id, causation_id, data, hash, prev_hash,
  (occurred_at = date_trunc('milliseconds', occurred_at) AND recorded_at = date_trunc('milliseconds', recorded_at)) AS ms_exact`;

const toChainRow = (row: Row): ChainRow => ({
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
  data: row.data,
  hash: row.hash,
  prevHash: row.prev_hash,
  millisecondExact: row.ms_exact,
});

export interface ChainHead {
  position: Position;
  hash: string | null;
}

/** The last event of the log (by position), or null when the log is empty. */
export async function readChainHead(db: SqlExecutor): Promise<ChainHead | null> {
  const { rows } = await db.query<{ position: string; hash: string | null }>(
    'SELECT position, hash FROM events ORDER BY position DESC LIMIT 1',
  );
  return rows[0] ? { position: String(rows[0].position) as Position, hash: rows[0].hash } : null;
}

/** Events of the global log with `after < position <= upTo`, in position order. */
export async function readChainPage(db: SqlExecutor, after: string, upTo: string, limit: number): Promise<ChainRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM events WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3`,
    [after, upTo, limit],
  );
  return rows.map(toChainRow);
}

/** Events of one stream with `afterRevision < revision` and `position <= upTo`, in revision order. */
export async function readStreamChainPage(
  db: SqlExecutor,
  streamId: string,
  afterRevision: number,
  upTo: string,
  limit: number,
): Promise<ChainRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision > $2 AND position <= $3 ORDER BY revision LIMIT $4`,
    [streamId, afterRevision, upTo, limit],
  );
  return rows.map(toChainRow);
}
