/**
 * The second key of a two-key PostgreSQL advisory lock, `(namespace, advisoryLockKey(name))`: a
 * stable 32-bit signed FNV-1a hash of the name's UTF-8 bytes. Each lib that locks by name (the
 * projections, the relay lease) keeps its own namespace, so their locks never collide with each
 * other or with the event store's single-key locks.
 */
export function advisoryLockKey(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
