import type { SqlExecutor } from '../../sql-database.port.js';
import { decryptPersonal, isPersonalEnvelope } from '../../personal-data/personal-data-codec.js';
import { mapPersonalFields } from '../../personal-data/personal-fields.js';
import type { HashedEvent } from '../chain-rows.js';
import { canonicalJson } from '../canonical-json.js';
import { GENESIS_HASH, hashEvent } from '../event-hash.js';
import type { ChainFault, EventCheck } from '../verify-chain.js';
import {
  CHAIN_RESEALED,
  ChainHistory,
  digestOf,
  INTEGRITY_STREAM_ID,
  resealedDataOf,
  supersededLine,
  type ChainVersion,
} from './chain-history.js';

const inRange = (version: ChainVersion, position: string): boolean =>
  BigInt(version.fromPosition) <= BigInt(position) && BigInt(position) <= BigInt(version.throughPosition);

/**
 * Checks every recorded re-chain during the walk of the log (docs/integrity.md, "Re-chains"): its
 * superseded hashes form the chain the version before had (linked to the unchanged event before
 * it, ending at the recorded old head, matching their digest), every event of its range has one,
 * each event recomputes to its superseded hash once the envelopes the re-chain made are opened
 * again (so nothing but personal fields changed, and into envelopes of the same value), and the
 * log records the re-chain with a ChainResealed event that says the same. An event whose person
 * has since been erased cannot be opened: it is counted (`unrecomputable`), not failed, when its
 * key row shows the erasure.
 */
export class ReChainCheck implements EventCheck {
  private previous: { position: string; hash: string | null } | null = null;
  private readonly lastSuperseded = new Map<number, string>();
  private readonly seen = new Map<number, number>();
  private readonly recorded = new Set<number>();
  private readonly keys = new Map<string, Buffer | null>();
  /** Person ids of envelopes with no key row at all: never made by the store. */
  private readonly unknown = new Set<string>();
  private loadFault: ChainFault | null = null;
  /** Events of a re-chain whose pre-re-chain hash could not be recomputed: a person in them was erased. */
  unrecomputable = 0;

  constructor(
    private readonly db: SqlExecutor,
    readonly history: ChainHistory,
  ) {
    for (const version of history.versions) {
      const rows = [...(history.superseded.get(version.version)?.values() ?? [])];
      if (
        digestOf(rows.map(supersededLine)) !== version.supersededDigest ||
        rows.at(-1)?.hash !== version.previousHeadHash
      ) {
        this.loadFault ??= this.fault(
          version.fromPosition,
          version,
          version.supersededDigest,
          digestOf(rows.map(supersededLine)),
          'its recorded superseded hashes do not match their digest or the old head hash it records',
        );
      }
    }
  }

  private fault(
    position: string,
    version: ChainVersion,
    expected: string | null,
    actual: string | null,
    why: string,
  ): ChainFault {
    return {
      position,
      reason: 'bad-rechain',
      expected,
      actual,
      detail: `the re-chain to chain version ${version.version} (positions ${version.fromPosition} to ${version.throughPosition}) does not hold at position ${position}: ${why}`,
    };
  }

  private async keysOf(persons: Set<string>): Promise<void> {
    const missing = [...persons].filter((p) => !this.keys.has(p) && !this.unknown.has(p));
    if (missing.length === 0) return;
    const { rows } = await this.db.query<{ person_id: string; key: Uint8Array | null }>(
      'SELECT person_id, key FROM person_keys WHERE person_id = ANY($1::uuid[])',
      [missing],
    );
    for (const row of rows) this.keys.set(row.person_id, row.key ? Buffer.from(row.key) : null);
    for (const p of missing) if (!this.keys.has(p)) this.unknown.add(p);
  }

  /** The event as it was under the version before `version`: the envelopes of that re-chain and later ones opened. */
  private async before(
    event: HashedEvent,
    version: ChainVersion,
  ): Promise<{ event: HashedEvent } | { erased: true } | { problem: string }> {
    const sealed = new Set<string>();
    for (const later of this.history.versions) {
      if (later.version < version.version || !inRange(later, event.position)) continue;
      for (const path of this.history.superseded.get(later.version)?.get(event.position)?.sealed ?? [])
        sealed.add(path);
    }
    if (sealed.size === 0) return { event };
    const persons = new Set<string>();
    let notEnvelope: string | null = null;
    const found = new Set<string>();
    mapPersonalFields(event.type, event.data, (value, path) => {
      if (!sealed.has(path)) return value;
      found.add(path);
      if (isPersonalEnvelope(value)) persons.add(value.$personal.person);
      else notEnvelope ??= path;
      return value;
    });
    if (notEnvelope !== null || found.size !== sealed.size)
      return {
        problem: `the field ${notEnvelope ?? [...sealed].find((p) => !found.has(p))} it sealed is not an envelope`,
      };
    await this.keysOf(persons);
    if ([...persons].some((p) => this.unknown.has(p)))
      return { problem: 'an envelope it made names a person with no key row' };
    if ([...persons].some((p) => this.keys.get(p) === null)) return { erased: true };
    try {
      const data = mapPersonalFields(event.type, event.data, (value, path) =>
        sealed.has(path) && isPersonalEnvelope(value)
          ? decryptPersonal(value, this.keys.get(value.$personal.person)!)
          : value,
      );
      return { event: { ...event, data } };
    } catch {
      return { problem: 'an envelope it made does not open with its person key' };
    }
  }

  async check(event: HashedEvent): Promise<ChainFault | null> {
    if (this.loadFault) return this.loadFault;
    const position = String(event.position);
    const previous = this.previous;
    this.previous = { position, hash: event.hash };
    for (const version of this.history.versions) {
      if (position === version.eventPosition) {
        this.recorded.add(version.version);
        const expected = canonicalJson(
          resealedDataOf(version, this.history.superseded.get(version.version)?.size ?? 0),
        );
        if (
          event.type !== CHAIN_RESEALED ||
          event.streamId !== INTEGRITY_STREAM_ID ||
          canonicalJson(event.data) !== expected
        )
          return this.fault(
            position,
            version,
            expected,
            canonicalJson(event.data),
            'the log does not record it as it is recorded in chain_versions',
          );
        continue;
      }
      if (BigInt(position) > BigInt(version.throughPosition) && BigInt(position) < BigInt(version.eventPosition))
        return this.fault(
          position,
          version,
          null,
          position,
          'an event lies between its range and the ChainResealed event',
        );
      if (!inRange(version, position)) continue;
      const row = this.history.superseded.get(version.version)?.get(position);
      if (!row)
        return this.fault(
          position,
          version,
          'a superseded hash',
          null,
          'the event has no hash recorded from before it',
        );
      this.seen.set(version.version, (this.seen.get(version.version) ?? 0) + 1);
      const expectedPrev =
        this.lastSuperseded.get(version.version) ??
        (previous === null ? GENESIS_HASH : this.history.hashIn(version.version - 1, previous.position, previous.hash));
      if (row.prevHash !== expectedPrev)
        return this.fault(position, version, expectedPrev, row.prevHash, 'its superseded hashes do not form a chain');
      this.lastSuperseded.set(version.version, row.hash);
      const old = await this.before(event, version);
      if ('erased' in old) {
        this.unrecomputable++;
      } else if ('problem' in old) {
        return this.fault(position, version, null, null, old.problem);
      } else {
        const recomputed = hashEvent(old.event, row.prevHash);
        if (recomputed !== row.hash)
          return this.fault(
            position,
            version,
            row.hash,
            recomputed,
            `the event (${event.streamId} revision ${event.revision}, ${event.type}) with its envelopes opened is not the event it replaced: more than personal fields changed`,
          );
      }
      if (position === version.throughPosition) {
        const now = this.history.hashIn(version.version, position, event.hash);
        if (now !== version.newHeadHash)
          return this.fault(
            position,
            version,
            version.newHeadHash,
            now,
            'its new head hash is not the hash of its last event',
          );
      }
    }
    return null;
  }

  finish(): Promise<ChainFault | null> {
    return Promise.resolve(this.finishNow());
  }

  private finishNow(): ChainFault | null {
    if (this.loadFault) return this.loadFault;
    for (const version of this.history.versions) {
      const rows = this.history.superseded.get(version.version)?.size ?? 0;
      if ((this.seen.get(version.version) ?? 0) !== rows)
        return this.fault(
          version.throughPosition,
          version,
          `${rows} events`,
          `${this.seen.get(version.version) ?? 0}`,
          'events of its range are missing',
        );
      if (!this.recorded.has(version.version))
        return this.fault(version.eventPosition, version, 'a ChainResealed event', null, 'the log does not record it');
    }
    return null;
  }
}
