import { createHash } from 'node:crypto';
import type { StoredEvent } from '../event-store.port.js';
import { canonicalJson } from './canonical-json.js';

/** The previous hash of the first event of the log. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version of what the hash covers; part of the hashed text, so a future change cannot collide. */
export const EVENT_HASH_VERSION = 1;

const SHA256_HEX = /^[0-9a-f]{64}$/;
export const isHash = (value: unknown): value is string => typeof value === 'string' && SHA256_HEX.test(value);

/** What is known of an event before its position and revision are: the canonical text around them. */
export interface PreparedEventHash {
  readonly beforePosition: string;
  readonly beforeRevision: string;
  readonly afterRevision: string;
}

type KnownBeforeAppend = Pick<
  StoredEvent,
  'eventId' | 'type' | 'streamId' | 'schemaVersion' | 'occurredAt' | 'recordedAt' | 'actor' | 'correlationId' | 'causationId'
>;

/**
 * The canonical JSON of `{v, ...envelope, prevHash}` (keys sorted: actor, causationId,
 * correlationId, data, eventId, occurredAt, position, prevHash, recordedAt, revision,
 * schemaVersion, streamId, type, v) cut around the members only the append lock decides, so the
 * append path canonicalises before it queues and only joins and hashes inside the lock.
 * `dataCanonical` is `canonicalJson(data)`.
 */
export function prepareEventHash(event: KnownBeforeAppend, dataCanonical: string): PreparedEventHash {
  const s = JSON.stringify;
  return {
    beforePosition:
      `{"actor":${s(event.actor)},"causationId":${event.causationId === null ? 'null' : s(event.causationId)},` +
      `"correlationId":${s(event.correlationId)},"data":${dataCanonical},"eventId":${s(event.eventId)},` +
      `"occurredAt":${s(event.occurredAt)},"position":`,
    beforeRevision: `,"recordedAt":${s(event.recordedAt)},"revision":`,
    afterRevision: `,"schemaVersion":${canonicalJson(event.schemaVersion)},"streamId":${s(event.streamId)},"type":${s(event.type)},"v":${EVENT_HASH_VERSION}}`,
  };
}

export function hashPrepared(prepared: PreparedEventHash, position: string, revision: number, prevHash: string): string {
  const text =
    `${prepared.beforePosition}${JSON.stringify(position)},"prevHash":${JSON.stringify(prevHash)}` +
    `${prepared.beforeRevision}${canonicalJson(revision)}${prepared.afterRevision}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * SHA-256 (hex) over the canonical JSON (RFC 8785) of the whole envelope, `v` and the previous
 * event's hash. The position is covered, so moving an event to another position breaks its own
 * hash; the previous hash chains the global log, so deleting or inserting an event breaks the
 * next link. Times are the ISO 8601 UTC strings (milliseconds) the store writes and reads back;
 * `data` is the JSON value (not jsonb's storage bytes).
 */
export function hashEvent(event: StoredEvent, prevHash: string): string {
  return hashPrepared(prepareEventHash(event, canonicalJson(event.data)), String(event.position), event.revision, prevHash);
}
