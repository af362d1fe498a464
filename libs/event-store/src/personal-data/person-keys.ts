import { randomBytes, randomUUID } from 'node:crypto';
import type { SqlDatabase, SqlExecutor } from '../sql-database.port.js';
import { lookupDigest } from './personal-data-codec.js';

interface KeyRow {
  person_id: string;
  key: Uint8Array | null;
}

/**
 * The per-person keys of `person_keys` (migration event-store/0007-person-keys). A person is found
 * by the HMAC of their normalised name under the server secret, so the table never holds a name.
 * A null key is an erased person: their envelopes read as "erased" for ever.
 *
 * A key never changes but to be destroyed, so an erased one is cached for good and a live one is
 * read again once it is `recheckMs` old (default 2 s): an erasure made by another process (the CLI,
 * another instance) shows in this one's reads within that time, or at once when its PersonErased
 * event passes through this store (`forget`). The erasure of this process drops the key at once.
 */
export class PersonKeys {
  private readonly cache = new Map<string, { key: Buffer | null; readAt: number }>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly secret: Buffer,
    private readonly recheckMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  private fresh(personId: string): boolean {
    const entry = this.cache.get(personId);
    return entry !== undefined && (entry.key === null || this.now() - entry.readAt < this.recheckMs);
  }

  /**
   * The live key of the person with this name, created on first use; the same for every spelling
   * `normaliseName` equates. `db`: the transaction to create it in (the re-chain's), else the pool.
   */
  async keyFor(name: string, db: SqlExecutor = this.db): Promise<{ personId: string; key: Buffer }> {
    const digest = lookupDigest(this.secret, name);
    // Two rounds at most: an erasure may destroy the key found by the insert before the select reads it.
    for (let attempt = 0; attempt < 3; attempt++) {
      await db.query(
        `INSERT INTO person_keys (person_id, lookup_digest, key) VALUES ($1, $2, $3)
         ON CONFLICT (lookup_digest) WHERE key IS NOT NULL DO NOTHING`,
        [randomUUID(), digest, randomBytes(32)],
      );
      const { rows } = await db.query<KeyRow>(
        'SELECT person_id, key FROM person_keys WHERE lookup_digest = $1 AND key IS NOT NULL',
        [digest],
      );
      const row = rows[0];
      if (row?.key) {
        const key = Buffer.from(row.key);
        this.cache.set(row.person_id, { key, readAt: this.now() });
        return { personId: row.person_id, key };
      }
    }
    throw new Error('Could not create a personal data key: it was erased as it was made, three times.');
  }

  /** The keys of these persons (null: erased or unknown), one query for those not freshly cached. */
  async keysOf(personIds: Iterable<string>): Promise<Map<string, Buffer | null>> {
    const wanted = [...new Set(personIds)];
    const missing = wanted.filter((id) => !this.fresh(id));
    if (missing.length > 0) {
      const { rows } = await this.db.query<KeyRow>(
        'SELECT person_id, key FROM person_keys WHERE person_id = ANY($1::uuid[])',
        [missing],
      );
      const found = new Map(rows.map((row) => [row.person_id, row.key ? Buffer.from(row.key) : null]));
      // An unknown person id (an envelope whose key row is gone) reads as erased, like a destroyed key.
      const readAt = this.now();
      for (const id of missing) this.cache.set(id, { key: found.get(id) ?? null, readAt });
    }
    return new Map(wanted.map((id) => [id, this.cache.get(id)?.key ?? null]));
  }

  /**
   * Destroys the live key of the person with this name: returns their person id, or null when no
   * live key has that name (never recorded, or already erased).
   */
  async erase(name: string, at: Date): Promise<string | null> {
    const { rows } = await this.db.query<{ person_id: string }>(
      `UPDATE person_keys SET key = NULL, erased_at = $2
        WHERE lookup_digest = $1 AND key IS NOT NULL RETURNING person_id`,
      [lookupDigest(this.secret, name), at.toISOString()],
    );
    const personId = rows[0]?.person_id ?? null;
    if (personId !== null) this.forget(personId);
    return personId;
  }

  /** Drops a key from the cache: it was destroyed (by this process or another). */
  forget(personId: string): void {
    this.cache.set(personId, { key: null, readAt: this.now() });
  }
}
