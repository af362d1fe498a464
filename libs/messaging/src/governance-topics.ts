import type { StoredEvent } from '#event-store';
import type { OutgoingMessage } from './event-publisher.port.js';

/** Topic names; configurable so tests (and environments sharing a cluster) can keep theirs apart. */
export interface GovernanceTopics {
  /** Every stored event, key = streamId. */
  events: string;
  /** AlertRaised / AlertAcknowledged / AlertResolved, also key = streamId. */
  alerts: string;
}

export const DEFAULT_TOPICS: GovernanceTopics = { events: 'governance.events', alerts: 'governance.alerts' };

/** The event types also published to the alerts topic (libs/domain/src/alert/alert.events.ts). */
export const ALERT_TOPIC_EVENT_TYPES: ReadonlySet<string> = new Set([
  'AlertRaised',
  'AlertAcknowledged',
  'AlertResolved',
]);

/** Header names carried by every message, so consumers can filter and dedupe without parsing the value. */
export const HEADERS = {
  eventId: 'eventId',
  type: 'type',
  schemaVersion: 'schemaVersion',
  correlationId: 'correlationId',
  /** The event that caused this one (an alert's triggering event, say); absent when none. */
  causationId: 'causationId',
  /**
   * The W3C trace context of the append (docs/operations.md, "Tracing"), under its standard header name
   * so a consumer's tracing joins the same trace; absent when the event was appended without one.
   */
  traceparent: 'traceparent',
} as const;

/**
 * The messages one stored event becomes: always one on the events topic, plus one on the alerts topic
 * for alert events. The key is the stream id, so every event of a stream lands on the same partition
 * and keeps its order; the value is the full envelope as JSON.
 */
export function toMessages(event: StoredEvent, topics: GovernanceTopics): OutgoingMessage[] {
  const message = {
    key: event.streamId,
    value: JSON.stringify(event),
    headers: {
      [HEADERS.eventId]: event.eventId,
      [HEADERS.type]: event.type,
      [HEADERS.schemaVersion]: String(event.schemaVersion),
      [HEADERS.correlationId]: event.correlationId,
      ...(event.causationId ? { [HEADERS.causationId]: event.causationId } : {}),
      ...(event.traceparent ? { [HEADERS.traceparent]: event.traceparent } : {}),
    },
  };
  const messages: OutgoingMessage[] = [{ topic: topics.events, ...message }];
  if (ALERT_TOPIC_EVENT_TYPES.has(event.type)) messages.push({ topic: topics.alerts, ...message });
  return messages;
}

export class MalformedMessageError extends Error {
  readonly code = 'malformed-message';
  constructor(
    readonly topic: string,
    readonly detail: string,
  ) {
    super(`A message on ${topic} is not an event envelope: ${detail}`);
    this.name = 'MalformedMessageError';
  }
}

/** Parses the value of a message published by the relay back into the envelope. */
export function decodeEnvelope(topic: string, value: string | null): StoredEvent {
  if (value === null) throw new MalformedMessageError(topic, 'it has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new MalformedMessageError(topic, (error as Error).message);
  }
  const envelope = parsed as Partial<StoredEvent> | null;
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    typeof envelope.eventId !== 'string' ||
    typeof envelope.type !== 'string' ||
    typeof envelope.streamId !== 'string'
  ) {
    throw new MalformedMessageError(topic, 'eventId, type or streamId is missing');
  }
  return envelope as StoredEvent;
}
