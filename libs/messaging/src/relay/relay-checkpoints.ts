import { positionFromKey, positionKey, type Migration, type Position, type SqlExecutor } from '#event-store';

/**
 * Tables of libs/messaging, registered with the event store's runMigrations: they live in the same
 * database as the events.
 */
export const MESSAGING_MIGRATIONS: readonly Migration[] = [
  {
    id: 'messaging/0001-relay-checkpoints',
    sql: `CREATE TABLE IF NOT EXISTS relay_checkpoints (
  name       text PRIMARY KEY,
  position   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
  },
  {
    // The checkpoint holds positionKey(position), so positions that are not decimals (KurrentDB's
    // commit/prepare pairs) fit and still compare in log order; a decimal stored before is padded.
    id: 'messaging/0002-relay-checkpoint-position-key',
    sql: `ALTER TABLE relay_checkpoints
  ALTER COLUMN position TYPE text COLLATE "C" USING lpad(position::text, 20, '0')`,
  },
];

/**
 * Where each relay has got to in the global log: the position of the last event the broker
 * acknowledged, stored as its `positionKey` (text whose byte order is the log order).
 */
export class RelayCheckpoints {
  constructor(private readonly db: SqlExecutor) {}

  /** The last acknowledged position, or null when the relay has published nothing yet. */
  async load(name: string): Promise<Position | null> {
    const { rows } = await this.db.query<{ position: string }>(
      'SELECT position FROM relay_checkpoints WHERE name = $1',
      [name],
    );
    return rows[0] ? positionFromKey(rows[0].position) : null;
  }

  /**
   * Moves the checkpoint forward, never back: a second relay instance that lags behind (during a
   * deployment, say) cannot rewind it and cause a mass republish.
   *
   * Committed without waiting for the WAL flush (synchronous_commit off for this statement's
   * transaction only): the relay writes one per broker batch, and a checkpoint lost in a database
   * crash only makes the relay publish those events again (at least once, as after any crash),
   * never skip one. The events themselves are committed durably by the store.
   */
  async save(name: string, position: Position): Promise<void> {
    await this.db.query(
      `INSERT INTO relay_checkpoints (name, position, updated_at)
       SELECT $1, $2, now() WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
       WHERE relay_checkpoints.position < EXCLUDED.position`,
      [name, positionKey(position)],
    );
  }
}
