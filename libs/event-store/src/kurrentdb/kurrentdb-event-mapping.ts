import { createHash } from 'node:crypto';
import type { StoredEvent } from '../event-store.port.js';
import type { PreparedAppend, PreparedEvent } from '../prepare-append.js';
import { encodeKurrentDbPosition, type KurrentDbLogPosition } from './kurrentdb-position.js';

/**
 * How our envelope maps onto a KurrentDB event, and back.
 *
 * Native: eventId → event id, type → event type, streamId → stream, revision → stream revision,
 * position → `$all` position (commit/prepare), data → JSON data.
 * In the metadata (a JSON object of strings, which is what KurrentDB's multi-stream append
 * accepts; `$`-prefixed keys are reserved there): schemaVersion, occurredAt, recordedAt, actor,
 * correlationId, causationId and traceparent (absent when null). recordedAt is our clock at append, not
 * KurrentDB's `created`: the port lets the clock be injected (tests, imports) and wants one
 * instant for every event of an append; `created` is only the fallback for events written by
 * other tools.
 */

/** The envelope fields KurrentDB does not carry natively. Every value is a string. */
export interface EnvelopeMetadata {
  schemaVersion: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
}

/** The part of a KurrentDB recorded event the mapping reads (the client's RecordedEvent has it). */
export interface KurrentDbRecord {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata?: unknown;
  position?: KurrentDbLogPosition;
}

/** The event data as the client's `multiStreamAppend` takes it. */
export interface KurrentDbEventData {
  id: string;
  contentType: 'application/json';
  type: string;
  data: unknown;
  metadata: Record<string, string>;
}

/** Streams the adapter keeps for itself, hidden from `readAll`, `subscribe` and `headPosition`. */
export const INTERNAL_STREAM_PREFIX = '_es-';
const IDEMPOTENCY_STREAM_PREFIX = `${INTERNAL_STREAM_PREFIX}idempotency-`;
const EVENT_ID_STREAM_PREFIX = `${INTERNAL_STREAM_PREFIX}event-id-`;
export const IDEMPOTENCY_RECORD_TYPE = 'IdempotencyKeyUsed';
export const EVENT_ID_RESERVATION_TYPE = 'EventIdReserved';

/**
 * Server-side `$all` filter (a .NET regex on the stream name): our streams, without the system
 * streams (`$…`) and the adapter's own. `isVisibleStream` applies the same rule on the client.
 */
export const VISIBLE_STREAMS_REGEX = `^(?!\\$|${INTERNAL_STREAM_PREFIX})`;

export const isVisibleStream = (streamId: string): boolean =>
  !streamId.startsWith('$') && !streamId.startsWith(INTERNAL_STREAM_PREFIX);

/** Idempotency keys are free text: the stream is named by their SHA-256, the key itself is in the record. */
export const idempotencyStreamOf = (key: string): string =>
  `${IDEMPOTENCY_STREAM_PREFIX}${createHash('sha256').update(key, 'utf8').digest('hex')}`;

export const eventIdStreamOf = (eventId: string): string => `${EVENT_ID_STREAM_PREFIX}${eventId.toLowerCase()}`;

export const eventIdOfReservationStream = (streamId: string): string | null =>
  streamId.startsWith(EVENT_ID_STREAM_PREFIX) ? streamId.slice(EVENT_ID_STREAM_PREFIX.length) : null;

export function envelopeMetadata(append: PreparedAppend, event: PreparedEvent): EnvelopeMetadata {
  return {
    schemaVersion: String(event.schemaVersion),
    occurredAt: event.occurredAt,
    recordedAt: append.recordedAt,
    actor: append.actor,
    correlationId: append.correlationId,
    ...(append.causationId === null ? {} : { causationId: append.causationId }),
    ...(append.traceparent === null ? {} : { traceparent: append.traceparent }),
  };
}

export function toEventData(append: PreparedAppend, event: PreparedEvent): KurrentDbEventData {
  return {
    id: event.eventId,
    contentType: 'application/json',
    type: event.type,
    data: event.data,
    metadata: { ...envelopeMetadata(append, event) },
  };
}

/** Metadata as the client hands it back: parsed JSON, raw bytes, or nothing. */
function metadataObject(metadata: unknown): Record<string, unknown> {
  let value = metadata;
  if (value instanceof Uint8Array) {
    try {
      value = JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      return {};
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const text = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

/**
 * Maps a KurrentDB event back to our envelope. Events that did not come through this adapter
 * get fallbacks: schemaVersion 1, occurredAt and recordedAt from `created`, actor `unknown`,
 * correlationId from `$correlationId` or the event id, causationId from `$causationId`.
 */
export function fromRecord(record: KurrentDbRecord): StoredEvent {
  if (!record.position) {
    throw new Error(`KurrentDB returned event ${record.id} of ${record.streamId} without its $all position.`);
  }
  const meta = metadataObject(record.metadata);
  const created = record.created.toISOString();
  const schemaVersion = Number(text(meta.schemaVersion) ?? '1');
  return {
    eventId: record.id,
    type: record.type,
    streamId: record.streamId,
    revision: Number(record.revision),
    position: encodeKurrentDbPosition(record.position),
    schemaVersion: Number.isSafeInteger(schemaVersion) && schemaVersion >= 1 ? schemaVersion : 1,
    occurredAt: text(meta.occurredAt) ?? created,
    recordedAt: text(meta.recordedAt) ?? created,
    actor: text(meta.actor) ?? 'unknown',
    correlationId: text(meta.correlationId) ?? text(meta.$correlationId) ?? record.id,
    causationId: text(meta.causationId) ?? text(meta.$causationId) ?? null,
    ...(typeof meta.traceparent === 'string' ? { traceparent: meta.traceparent } : {}),
    // Binary events are not written by this adapter; their bytes are handed on as base64.
    data: record.isJson ? record.data : Buffer.from(record.data as Uint8Array).toString('base64'),
  };
}

/**
 * What an idempotent append leaves behind, written atomically with its events. The positions
 * are not known before the write, so the record keeps the revisions and a lookup reads the
 * positions back from the stream.
 */
export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  streamId: string;
  /** Revision of the first event appended; null when the append was empty. */
  firstRevision: number | null;
  count: number;
  nextExpectedRevision: number;
}

export function idempotencyRecordData(
  record: IdempotencyRecord,
  append: PreparedAppend,
  id: string,
): KurrentDbEventData {
  return {
    id,
    contentType: 'application/json',
    type: IDEMPOTENCY_RECORD_TYPE,
    data: record,
    metadata: { recordedAt: append.recordedAt, actor: append.actor, correlationId: append.correlationId },
  };
}

export function eventIdReservationData(streamId: string, append: PreparedAppend, id: string): KurrentDbEventData {
  return {
    id,
    contentType: 'application/json',
    type: EVENT_ID_RESERVATION_TYPE,
    data: { streamId },
    metadata: { recordedAt: append.recordedAt, actor: append.actor, correlationId: append.correlationId },
  };
}

const isRevision = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= -1;

/** Reads an idempotency record back; null when the event is not one (it is then ignored). */
export function parseIdempotencyRecord(data: unknown): IdempotencyRecord | null {
  if (data === null || typeof data !== 'object') return null;
  const r = data as Record<string, unknown>;
  if (
    typeof r.key !== 'string' ||
    typeof r.fingerprint !== 'string' ||
    typeof r.streamId !== 'string' ||
    !(r.firstRevision === null || (isRevision(r.firstRevision) && r.firstRevision >= 0)) ||
    !(Number.isSafeInteger(r.count) && (r.count as number) >= 0) ||
    !isRevision(r.nextExpectedRevision)
  ) {
    return null;
  }
  return {
    key: r.key,
    fingerprint: r.fingerprint,
    streamId: r.streamId,
    firstRevision: r.firstRevision,
    count: r.count as number,
    nextExpectedRevision: r.nextExpectedRevision,
  };
}
