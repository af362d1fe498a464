import { randomUUID } from 'node:crypto';
import { InvalidAppendError } from './errors.js';
import type { AppendOptions, ExpectedRevision, NewEvent } from './event-store.port.js';
import { TRACEPARENT } from './tracing.js';

/**
 * Validation and normalisation of an append, shared by every adapter so they accept the same
 * events with the same messages (the contract suite holds them to it): checked before anything
 * is queued or reaches a server, so one bad request cannot fail a whole batch.
 */

export interface PreparedEvent {
  eventId: string;
  /** Given by the caller rather than generated here, so it may already be stored. */
  supplied: boolean;
  type: string;
  schemaVersion: number;
  /** ISO 8601 UTC instant. */
  occurredAt: string;
  /** The data as it round-trips through JSON (what a reader gets back). */
  data: unknown;
  /** The same data as JSON text. */
  dataJson: string;
}

export interface PreparedAppend {
  streamId: string;
  /** `-1` is normalised to `no-stream`. */
  expected: ExpectedRevision;
  events: PreparedEvent[];
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
  traceparent: string | null;
  idempotency: { key: string; fingerprint: string } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
// Refused by the SQL adapter (jsonb cannot hold it); refused here too so both stores accept the same events.
const JSON_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

// A lone UTF-16 surrogate is not Unicode text: jsonb refuses it (failing the statement) and a text
// column stores U+FFFD instead, so the stored envelope no longer matches the hash made from it.
// JSON.stringify writes a lone surrogate as a \uXXXX escape (a paired one as the character itself).
const LONE_SURROGATE = /\p{Cs}/u;
const JSON_LONE_SURROGATE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/i;

const hasNul = (text: string): boolean => text.includes('\u0000');
const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

function isRealDate(year: string | undefined, month: string | undefined, day: string | undefined): boolean {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
}

/** A date (`2016-03-03`, midnight UTC) or a datetime (no offset: UTC) as an ISO UTC instant; null when malformed. */
export function toInstant(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const date = DATE_ONLY.exec(text);
  if (date) return isRealDate(date[1], date[2], date[3]) ? `${text}T00:00:00.000Z` : null;
  const dateTime = DATE_TIME.exec(text);
  if (!dateTime || !isRealDate(dateTime[1], dateTime[2], dateTime[3])) return null;
  const instant = new Date(dateTime[4] ? text : `${text}Z`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

export function prepareAppend(streamId: string, events: NewEvent[], options: AppendOptions, now: Date): PreparedAppend {
  const problems: string[] = [];
  if (typeof streamId !== 'string' || streamId === '' || hasNul(streamId))
    problems.push('streamId must be a non-empty string');
  if (!Array.isArray(events)) problems.push('events must be an array');
  const expected = options?.expectedRevision;
  if (!(expected === 'any' || expected === 'no-stream' || (Number.isSafeInteger(expected) && expected >= -1))) {
    problems.push(`expectedRevision must be a revision, "no-stream" or "any", not ${JSON.stringify(expected)}`);
  }
  if (typeof options?.actor !== 'string' || options.actor === '' || hasNul(options.actor))
    problems.push('actor must be a non-empty string');
  for (const [name, value] of [
    ['correlationId', options?.correlationId],
    ['causationId', options?.causationId],
  ] as const) {
    if (value !== undefined && value !== null && (typeof value !== 'string' || hasNul(value)))
      problems.push(`${name} must be a string`);
  }
  for (const [name, value] of [
    ['streamId', streamId],
    ['actor', options?.actor],
    ['correlationId', options?.correlationId],
    ['causationId', options?.causationId],
    ['idempotency key', options?.idempotency?.key],
    ['idempotency fingerprint', options?.idempotency?.fingerprint],
  ] as const) {
    if (typeof value === 'string' && hasLoneSurrogate(value))
      problems.push(`${name} must be well-formed Unicode text (it holds a lone surrogate)`);
  }
  const traceparent = options?.traceparent;
  if (traceparent !== undefined && (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)))
    problems.push('traceparent must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)');
  const idempotency = options?.idempotency ?? null;
  if (
    idempotency &&
    (typeof idempotency.key !== 'string' || idempotency.key === '' || typeof idempotency.fingerprint !== 'string')
  ) {
    problems.push('idempotency needs a non-empty key and a fingerprint');
  }
  const prepared: PreparedEvent[] = [];
  for (const [i, event] of (Array.isArray(events) ? events : []).entries()) {
    const at = `events[${i}]`;
    const eventId = event.eventId === undefined ? randomUUID() : event.eventId;
    if (typeof eventId !== 'string' || !UUID.test(eventId)) problems.push(`${at}.eventId must be a UUID`);
    if (typeof event.type !== 'string' || event.type === '' || hasNul(event.type))
      problems.push(`${at}.type must be a non-empty string`);
    else if (hasLoneSurrogate(event.type))
      problems.push(`${at}.type must be well-formed Unicode text (it holds a lone surrogate)`);
    const schemaVersion = event.schemaVersion ?? 1;
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 2 ** 31 - 1) {
      problems.push(`${at}.schemaVersion must be a whole number ≥ 1`);
    }
    const occurredAt = toInstant(event.occurredAt);
    if (occurredAt === null)
      problems.push(`${at}.occurredAt must be an ISO 8601 date or datetime, not ${JSON.stringify(event.occurredAt)}`);
    let dataJson: string | undefined;
    try {
      dataJson = JSON.stringify(event.data) ?? 'null';
    } catch {
      problems.push(`${at}.data cannot be serialised as JSON`);
    }
    if (dataJson !== undefined && JSON_NUL.test(dataJson))
      problems.push(`${at}.data must not contain the NUL character`);
    if (dataJson !== undefined && JSON_LONE_SURROGATE.test(dataJson))
      problems.push(`${at}.data must be well-formed Unicode text (a string or key holds a lone surrogate)`);
    prepared.push({
      eventId: String(eventId).toLowerCase(),
      supplied: event.eventId !== undefined,
      type: event.type,
      schemaVersion,
      occurredAt: occurredAt ?? '',
      data: dataJson === undefined ? null : JSON.parse(dataJson),
      dataJson: dataJson ?? 'null',
    });
  }
  const ids = prepared.map((e) => e.eventId);
  if (new Set(ids).size !== ids.length) problems.push('events must not repeat an eventId');
  if (problems.length > 0) throw new InvalidAppendError(problems);
  return {
    streamId,
    expected: expected === -1 ? 'no-stream' : expected,
    events: prepared,
    recordedAt: now.toISOString(),
    actor: options.actor,
    correlationId: options.correlationId ?? randomUUID(),
    causationId: options.causationId ?? null,
    traceparent: options.traceparent ?? null,
    idempotency: idempotency ? { key: idempotency.key, fingerprint: idempotency.fingerprint } : null,
  };
}
