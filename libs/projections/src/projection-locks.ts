import { advisoryLockKey, type SqlExecutor } from '#event-store';

/**
 * Advisory locks of the projections, in the two-key form so they can never collide with the event
 * store's or another lib's single-key locks: (namespace, FNV-1a hash of the projection name).
 * Transaction-scoped (`_xact_`): they are released when the batch commits or rolls back, and a
 * crashed instance cannot leave one behind.
 */
const NAMESPACE = 0x50524a31; // "PRJ1"
const SCHEMA_KEY = 0;

/** A stable 32-bit signed hash of the name (FNV-1a), never 0 (reserved for schema changes). */
export function projectionLockKey(name: string): number {
  return advisoryLockKey(name) || 1;
}

/** The two keys of the projection's advisory lock, for a statement that takes it itself. */
export const projectionLockKeys = (name: string): [number, number] => [NAMESPACE, projectionLockKey(name)];

/** True when this transaction now holds the projection's lock; false when another instance holds it. */
export async function tryLockProjection(tx: SqlExecutor, name: string): Promise<boolean> {
  const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1::int, $2::int) AS locked', [
    NAMESPACE,
    projectionLockKey(name),
  ]);
  return rows[0]?.locked === true;
}

/** Waits for the projection's lock (a swap waits for the live runner's batch in flight to commit). */
export async function lockProjection(tx: SqlExecutor, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [NAMESPACE, projectionLockKey(name)]);
}

/** Serialises schema creation: concurrent `CREATE TABLE IF NOT EXISTS` can fail on PostgreSQL. */
export async function lockProjectionSchema(tx: SqlExecutor): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [NAMESPACE, SCHEMA_KEY]);
}
