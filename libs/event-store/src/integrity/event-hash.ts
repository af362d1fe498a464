import { createHash } from 'node:crypto';
import type { StoredEvent } from '../event-store.port.js';
import { canonicalJson } from './canonical-json.js';

/** The previous hash of the first event of the log. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version of what the hash covers; part of the hashed text, so a future change cannot collide. */
export const EVENT_HASH_VERSION = 1;

/** The format in words, for the header of an export file. */
export const EVENT_HASH_DESCRIPTION = 'sha256-hex of canonical JSON (RFC 8785) of {v, envelope..., prevHash}';

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
  | 'eventId'
  | 'type'
  | 'streamId'
  | 'schemaVersion'
  | 'occurredAt'
  | 'recordedAt'
  | 'actor'
  | 'correlationId'
  | 'causationId'
>;

/**
 * The canonical JSON of `{v, ...envelope, prevHash}` (keys sorted: actor, causationId,
 * correlationId, data, eventId, occurredAt, position, prevHash, recordedAt, revision,
 * schemaVersion, streamId, type, v) cut around the members only the append lock decides, so the
 * append path canonicalises before it queues and only joins and hashes inside the lock.
 * `dataCanonical` is `canonicalJson(data)`.
 */
export function prepareEventHash(event: KnownBeforeAppend, dataCanonical: string): PreparedEventHash {
  const { beforeData, afterData, beforeRevision, afterRevision } = prepareEventHashAroundData(event);
  return { beforePosition: beforeData + dataCanonical + afterData, beforeRevision, afterRevision };
}

/** `PreparedEventHash` with its first piece still open at the data: `beforePosition` is `beforeData + dataCanonical + afterData`. */
export interface PreparedEventHashAroundData {
  readonly beforeData: string;
  readonly afterData: string;
  readonly beforeRevision: string;
  readonly afterRevision: string;
}

/**
 * The pieces of `prepareEventHash` without the data, so the append path sends each event's canonical
 * data once (it is both the stored `data` and part of the hashed text) and the append function
 * joins `beforePosition` with `beforePositionSql`, the SQL of the join above.
 */
export function prepareEventHashAroundData(event: KnownBeforeAppend): PreparedEventHashAroundData {
  const s = JSON.stringify;
  return {
    beforeData:
      `{"actor":${s(event.actor)},"causationId":${event.causationId === null ? 'null' : s(event.causationId)},` +
      `"correlationId":${s(event.correlationId)},"data":`,
    afterData: `,"eventId":${s(event.eventId)},"occurredAt":${s(event.occurredAt)},"position":`,
    beforeRevision: `,"recordedAt":${s(event.recordedAt)},"revision":`,
    afterRevision: `,"schemaVersion":${canonicalJson(event.schemaVersion)},"streamId":${s(event.streamId)},"type":${s(event.type)},"v":${EVENT_HASH_VERSION}}`,
  };
}

/** The SQL expression of `prepareEventHash`'s `beforePosition`, from expressions of the caller's query (text). */
export function beforePositionSql(pieces: { beforeData: string; dataCanonical: string; afterData: string }): string {
  return `(${pieces.beforeData}) || (${pieces.dataCanonical}) || (${pieces.afterData})`;
}

type LinkValue = 'position' | 'prevHash' | 'revision';
type LinkPart =
  { readonly piece: keyof PreparedEventHash } | { readonly literal: string } | { readonly value: LinkValue };

/**
 * The hashed text of an event, in order: the pieces made before the append lock, the three values
 * the lock decides, and the JSON between them. It is the one definition of the format: the join in
 * this process (`hashPrepared`: verify, export, backfill) and the expression in the append function
 * (`linkHashSql`, migration `event-store/0005-append-function-link-text`) are both rendered from it.
 * Changing it changes the hash of every stored event (and that migration's checksum, which stops
 * the service at start): a new format needs a new EVENT_HASH_VERSION and a new migration.
 */
const LINK_TEXT: readonly LinkPart[] = [
  { piece: 'beforePosition' },
  { literal: '"' },
  { value: 'position' },
  { literal: '","prevHash":"' },
  { value: 'prevHash' },
  { literal: '"' },
  { piece: 'beforeRevision' },
  { value: 'revision' },
  { piece: 'afterRevision' },
];

// The values go into the text as they are (digits, hex digits), with no JSON escaping, in both
// renderings: so they must be exactly that.
const POSITION = /^\d{1,19}$/;

export function hashPrepared(
  prepared: PreparedEventHash,
  position: string,
  revision: number,
  prevHash: string,
): string {
  if (!POSITION.test(position))
    throw new TypeError(`A hashed position is a decimal number, not ${JSON.stringify(position)}.`);
  if (!Number.isSafeInteger(revision) || revision < 0)
    throw new TypeError(`A hashed revision is a whole number ≥ 0, not ${revision}.`);
  if (!isHash(prevHash))
    throw new TypeError(`A previous hash is 64 lowercase hex digits, not ${JSON.stringify(prevHash)}.`);
  const values: Record<LinkValue, string> = { position, prevHash, revision: String(revision) };
  const text = LINK_TEXT.map((part) =>
    'piece' in part ? prepared[part.piece] : 'literal' in part ? part.literal : values[part.value],
  ).join('');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SQL expressions (of the caller's query) for each part `LINK_TEXT` leaves open. */
export interface LinkHashSqlInputs {
  readonly pieces: Readonly<Record<keyof PreparedEventHash, string>>;
  /** A bigint, an integer and a text expression. */
  readonly values: Readonly<Record<LinkValue, string>>;
}

/** The SQL expression of `hashPrepared`: SHA-256 (hex) of the UTF-8 bytes of the same text. */
export function linkHashSql({ pieces, values }: LinkHashSqlInputs): string {
  const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const parts = LINK_TEXT.map((part) =>
    'piece' in part
      ? `(${pieces[part.piece]})`
      : 'literal' in part
        ? sqlString(part.literal)
        : `(${values[part.value]})::text`,
  );
  return `encode(sha256(convert_to(${parts.join(' || ')}, 'UTF8')), 'hex')`;
}

/**
 * SHA-256 (hex) over the canonical JSON (RFC 8785) of the whole envelope, `v` and the previous
 * event's hash. The position is covered, so moving an event to another position breaks its own
 * hash; the previous hash chains the global log, so deleting or inserting an event breaks the
 * next link. Times are the ISO 8601 UTC strings (milliseconds) the store writes and reads back;
 * `data` is the JSON value (not jsonb's storage bytes).
 */
export function hashEvent(event: StoredEvent, prevHash: string): string {
  return hashPrepared(
    prepareEventHash(event, canonicalJson(event.data)),
    String(event.position),
    event.revision,
    prevHash,
  );
}
