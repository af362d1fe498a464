import type { SqlDatabase, SqlExecutor } from '#event-store';

/** Who appends in the integrity specs. */
export const CLERK = 'clerk@hampshire.pnn.police.uk';

const ROLLBACK = new Error('rollback');

/**
 * Tampers, reads inside the same transaction (a verification, as an attacker's change would meet it), then
 * rolls the tampering back, so every case starts from the untouched log.
 */
export async function readTampered<T>(
  db: SqlDatabase,
  tamper: (tx: SqlExecutor) => Promise<unknown>,
  read: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  let result: { value: T } | undefined;
  await db
    .transaction(async (tx) => {
      await tamper(tx);
      result = { value: await read(tx) };
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  if (!result) throw new Error('the tampered read did not run');
  return result.value;
}
