import { Injectable } from '@nestjs/common';
import { AGREEMENT_SCHEMA_VERSIONS as SCHEMA_VERSIONS, type Decider, type DomainEvent } from '#domain';
import {
  activeTraceparent,
  ConcurrencyError,
  EventStore,
  IdempotencyKeyReusedError,
  inSpan,
  retryLostRaces,
  type AppendResult,
} from '#event-store';
import { FoldedStreams } from './folded-streams.js';
import { StreamWriteQueue } from './stream-write-queue.js';

/** Who is recording, and how the request asked to be handled. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId?: string;
  /** The stream revision the client read (optimistic concurrency; -1: it must not exist yet); absent → the revision loaded now. */
  expectedRevision?: number;
  /** `key` is what the store keeps; `sentAs`, the client's own key when they differ, is what messages name. */
  idempotency?: { key: string; fingerprint: string; sentAs?: string };
}

export interface WriteResult {
  streamId: string;
  /** The stream's revision after the write: send it back as `expectedRevision` next time. */
  revision: number;
  /** Global position of the last event written: pass it as `minPosition` to read your write. */
  position: string | null;
  firstPosition: string | null;
  /** True when an Idempotency-Key matched an earlier request: nothing new was written. */
  replayed: boolean;
}

const toWriteResult = (result: AppendResult, replayed = result.replayed): WriteResult => ({
  streamId: result.streamId,
  revision: result.nextExpectedRevision,
  position: result.lastPosition,
  firstPosition: result.firstPosition,
  replayed,
});

/**
 * The one way a command reaches the event store (docs/architecture.md, "The command path"): load the stream, fold it,
 * decide, append with the expected revision. Idempotency keys are checked before deciding, so a
 * retried command answers as the first time did even if deciding again would now be refused.
 */
@Injectable()
export class CommandRunner {
  constructor(
    private readonly store: EventStore,
    private readonly folded: FoldedStreams,
    private readonly queue: StreamWriteQueue,
  ) {}

  async run<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    context: CommandContext,
  ): Promise<WriteResult> {
    const type = (command as { type?: unknown }).type;
    const name = typeof type === 'string' ? type : 'command';
    // One span per command (docs/operations.md, "Tracing"), a child of the request's span.
    return inSpan(
      `command ${name}`,
      { 'command.type': name, 'stream.id': streamId, 'correlation.id': context.correlationId },
      async (span) => {
        const earlier = await this.replay(context);
        const result =
          earlier ?? (await this.queue.run(streamId, () => this.write(streamId, decider, command, context)));
        span.setAttributes({ 'stream.revision': result.revision, 'command.replayed': result.replayed });
        return result;
      },
    );
  }

  private async write<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    context: CommandContext,
  ): Promise<WriteResult> {
    // Most creations (a decision, a draft) name a stream that does not exist yet: decide on the
    // initial state and append with `no-stream`, which the store refuses if the stream exists after
    // all. Saves reading a stream that is not there; any doubt falls back to the full path below.
    if (context.expectedRevision === undefined && !this.folded.has(streamId, decider)) {
      const result = await this.tryAsNewStream(streamId, decider, command, context);
      if (result) return result;
    }

    const attempt = async (): Promise<WriteResult> => {
      // The folded state by revision: only the events after the cached revision are read.
      const { state, revision: loadedRevision } = await this.folded.load(streamId, decider);
      let events: E[];
      try {
        events = decider.decide(command, state);
      } catch (error) {
        // A concurrent twin of this request may have won while we decided: answer as it did.
        const twin = await this.replay(context);
        if (twin) return twin;
        throw error;
      }
      const wanted = context.expectedRevision ?? loadedRevision;
      return this.append(streamId, events, wanted < 0 ? 'no-stream' : wanted, context);
    };
    // The revision the client read is its claim to check (a stale one is its 409); without one, a
    // lost race says only that someone wrote first: decide again on fresh state, with backoff.
    return context.expectedRevision === undefined ? retryLostRaces(streamId, attempt) : attempt();
  }

  /** The write, if the stream did not exist; null when it does (or the command needs its history). */
  private async tryAsNewStream<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    context: CommandContext,
  ): Promise<WriteResult | null> {
    let events: E[];
    try {
      events = decider.decide(command, decider.initialState());
    } catch {
      return null; // e.g. "no such agreement": the full path reads the stream and decides for real
    }
    try {
      return await this.append(streamId, events, 'no-stream', context);
    } catch (error) {
      if (error instanceof ConcurrencyError) return null;
      throw error;
    }
  }

  private async append(
    streamId: string,
    events: DomainEvent[],
    expectedRevision: number | 'no-stream',
    context: CommandContext,
  ): Promise<WriteResult> {
    const idempotency = context.idempotency;
    try {
      const result = await inSpan('event-store append', { 'stream.id': streamId, 'append.events': events.length }, () =>
        this.store.append(
          streamId,
          events.map((e) => ({
            type: e.type,
            schemaVersion: SCHEMA_VERSIONS[e.type],
            occurredAt: e.occurredAt,
            data: e.data,
          })),
          {
            expectedRevision,
            actor: context.actor,
            correlationId: context.correlationId,
            causationId: context.causationId,
            // The append span's: the relay carries it into the Kafka headers, so the trace reaches the topic.
            traceparent: activeTraceparent(),
            idempotency: idempotency && { key: idempotency.key, fingerprint: idempotency.fingerprint },
          },
        ),
      );
      return toWriteResult(result);
    } catch (error) {
      const sentAs = idempotency?.sentAs;
      // The store names the key it keeps (scoped to the principal); the client knows the one they sent.
      if (error instanceof IdempotencyKeyReusedError && sentAs !== undefined) {
        throw new IdempotencyKeyReusedError(sentAs);
      }
      throw error;
    } finally {
      // Written (or raced): a lookup later in this request must read the stream again.
      this.folded.forget(streamId);
    }
  }

  /** The first answer to this request's Idempotency-Key, null when the key is new (or none was sent). */
  async replay(context: CommandContext): Promise<WriteResult | null> {
    if (!context.idempotency) return null;
    const earlier = await this.store.findIdempotentResult(context.idempotency.key);
    if (!earlier) return null;
    if (earlier.fingerprint !== context.idempotency.fingerprint) {
      throw new IdempotencyKeyReusedError(context.idempotency.sentAs ?? context.idempotency.key);
    }
    return toWriteResult(earlier, true);
  }
}
