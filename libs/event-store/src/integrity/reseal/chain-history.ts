import { createHash } from 'node:crypto';
import type { SqlExecutor } from '../../sql-database.port.js';

/**
 * The recorded re-chains of the log (migration event-store/0008-chain-versions, docs/integrity.md,
 * "Re-chains"). The log starts at chain version 1. A re-chain (resealPersonalData) rewrites the
 * personal fields of old events into envelopes and recomputes every hash from the first changed
 * position onward: it becomes version 2 (then 3, ...), and keeps, per event of its range, the hash
 * the event had under the version before, so a checkpoint or receipt signed before it can still be
 * checked against the hashes it signed.
 */
export const CHAIN_VERSIONS_SQL = `
  CREATE TABLE chain_versions (
    version integer PRIMARY KEY CHECK (version >= 2),
    from_position bigint NOT NULL,
    through_position bigint NOT NULL,
    previous_head_hash text NOT NULL,
    new_head_hash text NOT NULL,
    -- the last checkpoint signed under the version before (null: none): later ones sign this version
    checkpoints_through bigint,
    changed integer NOT NULL,
    superseded_digest text NOT NULL,
    -- the ChainResealed event that records the re-chain in the log
    event_position bigint NOT NULL,
    rechained_at timestamptz NOT NULL,
    reason text NOT NULL
  );
  CREATE TABLE chain_superseded_hashes (
    version integer NOT NULL,
    position bigint NOT NULL,
    hash text NOT NULL,
    prev_hash text NOT NULL,
    -- the personal-field paths the re-chain turned into envelopes ('' : the data is unchanged)
    sealed text NOT NULL,
    PRIMARY KEY (version, position)
  );
`;

/** The stream and event type a re-chain records itself with (no personal data in it). */
export const INTEGRITY_STREAM_ID = 'integrity';
export const CHAIN_RESEALED = 'ChainResealed';

export interface ChainResealedData {
  version: number;
  fromPosition: string;
  throughPosition: string;
  previousHeadHash: string;
  newHeadHash: string;
  checkpointsThrough: string | null;
  /** Events rehashed (the whole range); of them, `changed` had personal fields sealed. */
  rehashed: number;
  changed: number;
  supersededDigest: string;
  reason: string;
}

/** A row of `chain_versions`: what its `ChainResealed` event says, and where that event stands. */
export interface ChainVersion extends Omit<ChainResealedData, 'rehashed'> {
  eventPosition: string;
}

export interface SupersededHash {
  position: string;
  hash: string;
  prevHash: string;
  /** Paths (with array indexes, as mapPersonalFields names them) sealed by this re-chain. */
  sealed: string[];
}

/** One line per superseded hash: what ChainResealed's `supersededDigest` is the SHA-256 of. */
export const supersededLine = (row: SupersededHash): string =>
  `${row.position} ${row.hash} ${row.prevHash} ${row.sealed.join(',')}\n`;

export const digestOf = (lines: readonly string[]): string =>
  createHash('sha256').update(lines.join(''), 'utf8').digest('hex');

/** What a re-chain's row and its ChainResealed event must both say (compared member by member). */
export const resealedDataOf = (version: ChainVersion, rehashed: number): ChainResealedData => ({
  version: version.version,
  fromPosition: version.fromPosition,
  throughPosition: version.throughPosition,
  previousHeadHash: version.previousHeadHash,
  newHeadHash: version.newHeadHash,
  checkpointsThrough: version.checkpointsThrough,
  rehashed,
  changed: version.changed,
  supersededDigest: version.supersededDigest,
  reason: version.reason,
});

export class ChainHistory {
  constructor(
    readonly versions: readonly ChainVersion[],
    /** Per version, its superseded hashes by position. */
    readonly superseded: ReadonlyMap<number, ReadonlyMap<string, SupersededHash>>,
  ) {}

  static readonly EMPTY = new ChainHistory([], new Map());

  static async load(db: SqlExecutor): Promise<ChainHistory> {
    const { rows } = await db.query<{
      version: number;
      from_position: string;
      through_position: string;
      previous_head_hash: string;
      new_head_hash: string;
      checkpoints_through: string | null;
      changed: number;
      superseded_digest: string;
      event_position: string;
      reason: string;
    }>('SELECT * FROM chain_versions ORDER BY version');
    if (rows.length === 0) return ChainHistory.EMPTY;
    const versions = rows.map((r): ChainVersion => ({
      version: Number(r.version),
      fromPosition: String(r.from_position),
      throughPosition: String(r.through_position),
      previousHeadHash: r.previous_head_hash,
      newHeadHash: r.new_head_hash,
      checkpointsThrough: r.checkpoints_through === null ? null : String(r.checkpoints_through),
      changed: Number(r.changed),
      supersededDigest: r.superseded_digest,
      eventPosition: String(r.event_position),
      reason: r.reason,
    }));
    const superseded = new Map<number, Map<string, SupersededHash>>();
    for (const version of versions) superseded.set(version.version, new Map());
    const hashes = await db.query<{
      version: number;
      position: string;
      hash: string;
      prev_hash: string;
      sealed: string;
    }>('SELECT version, position, hash, prev_hash, sealed FROM chain_superseded_hashes ORDER BY version, position');
    for (const r of hashes.rows) {
      superseded.get(Number(r.version))?.set(String(r.position), {
        position: String(r.position),
        hash: r.hash,
        prevHash: r.prev_hash,
        sealed: r.sealed === '' ? [] : r.sealed.split(','),
      });
    }
    return new ChainHistory(versions, superseded);
  }

  /** The chain version now (1 when the log was never re-chained). */
  get current(): number {
    return this.versions.at(-1)?.version ?? 1;
  }

  /** The version a checkpoint at this position was signed under. */
  versionOfCheckpoint(position: string): number {
    for (const version of this.versions) {
      if (version.checkpointsThrough !== null && BigInt(position) <= BigInt(version.checkpointsThrough))
        return version.version - 1;
    }
    return this.current;
  }

  /** The hash the event at `position` (stored hash `currentHash`) had under chain version `version`. */
  hashIn(version: number, position: string, currentHash: string | null): string | null {
    for (const later of this.versions) {
      if (later.version <= version) continue;
      const row = this.superseded.get(later.version)?.get(position);
      if (row) return row.hash;
    }
    return currentHash;
  }
}
