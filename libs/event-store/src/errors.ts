import type { ExpectedRevision } from './event-store.port.js';

/** Optimistic concurrency failed: nothing was written (HTTP 409). */
export class ConcurrencyError extends Error {
  readonly code = 'concurrency-conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(
      `Stream ${streamId} is at revision ${actual < 0 ? '(none: it does not exist)' : actual}, ` +
        `but the request expected ${typeof expected === 'number' ? `revision ${expected}` : expected}. ` +
        'Someone else recorded a change first: reload and try again.',
    );
    this.name = 'ConcurrencyError';
  }
}

/** The same Idempotency-Key was sent with a different request (HTTP 422). */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency-key-reused';
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was already used for a different request.`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class InvalidPositionError extends Error {
  readonly code = 'invalid-position';
  constructor(readonly text: string) {
    super(`"${text}" is not a position in the event log.`);
    this.name = 'InvalidPositionError';
  }
}

/**
 * The append request itself is malformed (an empty stream id, an occurredAt that is not a date,
 * data that cannot be stored as JSON). Checked before anything reaches the database (HTTP 422).
 */
export class InvalidAppendError extends Error {
  readonly code = 'invalid-append';
  constructor(readonly problems: string[]) {
    super(`The events cannot be recorded: ${problems.join('; ')}.`);
    this.name = 'InvalidAppendError';
  }
}

/** An event with this eventId is already stored: nothing was written (HTTP 409). */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate-event-id';
  constructor(readonly eventIds: string[]) {
    super(`Event ${eventIds.join(', ')} is already recorded.`);
    this.name = 'DuplicateEventIdError';
  }
}

/**
 * The event store cannot be reached (a KurrentDB node down or unreachable): nothing was written,
 * and trying again later is the answer (HTTP 503 with Retry-After).
 */
export class EventStoreUnavailableError extends Error {
  readonly code = 'event-store-unavailable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `The event store cannot be reached, so nothing was read or recorded; try again shortly. (${detail})`,
      options,
    );
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * A write without a client-given expected revision kept losing the race for its stream to other
 * writers, past the retry bound: nothing was written, and the client did nothing wrong, so this is
 * not a conflict (409) but a busy stream (HTTP 503 with Retry-After).
 */
export class WriteContentionError extends Error {
  readonly code = 'write-contention';
  constructor(
    readonly streamId: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Stream ${streamId} is being changed by so many writers at once that this change lost ${attempts} times in a row; ` +
        'nothing was recorded. Try again shortly.',
      options,
    );
    this.name = 'WriteContentionError';
  }
}
