import { APPEND_LOCK_KEY } from '../sql-event-store.adapter.js';
import type { SqlExecutor } from '../sql-database.port.js';
import { readChainPage } from './chain-rows.js';
import { GENESIS_HASH, hashEvent } from './event-hash.js';

const MAX_POSITION = '9223372036854775807';

/**
 * Hashes every event of a log written before events carried hashes, in position order, as the
 * append path would have. Runs once, inside the migration that adds the columns (one transaction,
 * under the append lock), so a database either has no hash columns or a complete chain.
 * Hashing in SQL is not an option: jsonb's text form is not canonical JSON.
 */
export async function backfillEventHashes(tx: SqlExecutor, pageSize = 1000): Promise<number> {
  await tx.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
  let prevHash = GENESIS_HASH;
  let after = '0';
  let count = 0;
  for (;;) {
    const page = await readChainPage(tx, after, MAX_POSITION, pageSize);
    if (page.length === 0) return count;
    const positions: string[] = [];
    const hashes: string[] = [];
    const prevHashes: string[] = [];
    for (const event of page) {
      const hash = hashEvent(event, prevHash);
      positions.push(event.position);
      after = event.position;
      hashes.push(hash);
      prevHashes.push(prevHash);
      prevHash = hash;
    }
    await tx.query(
      `UPDATE events SET hash = u.hash, prev_hash = u.prev_hash
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(position, hash, prev_hash)
        WHERE events.position = u.position`,
      [positions, hashes, prevHashes],
    );
    count += page.length;
  }
}
