import { Logger } from '@nestjs/common';
import {
  backoffDelay,
  followLog,
  inSpan,
  linksToAppends,
  processorLag,
  sleep,
  type BackoffOptions,
  type EventStore,
  type Position,
  type SqlExecutor,
  type StoredEvent,
  type Subscription,
  storedFormOf,
} from '#event-store';
import { EventPublisher, type OutgoingMessage, type TopicSpec } from '../event-publisher.port.js';
import { DEFAULT_TOPICS, toMessages, type GovernanceTopics } from '../governance-topics.js';
import { CheckpointWriter, RelayCheckpoints } from './relay-checkpoints.js';

export interface RelayOptions {
  /** Name of the checkpoint row; default `kafka-relay`. */
  name?: string;
  topics?: GovernanceTopics;
  /** Partitions of the topics created at start; default events 6, alerts 3. */
  partitions?: { events: number; alerts: number };
  /** Default 1 (one broker); 3 on a real cluster. */
  replicationFactor?: number;
  /** Most events per broker round trip; default 500. */
  batchSize?: number;
  /**
   * The least time between two checkpoint writes, which are made behind the publishing: a crash
   * republishes at most what the broker acknowledged in this window (plus the write in flight);
   * default 100 ms, 0 = after every acknowledged batch.
   */
  checkpointIntervalMs?: number;
  /** Most bytes of message values per broker round trip; default 900 000 (under Kafka's 1 MB default). */
  maxBatchBytes?: number;
  /** Retry delays after a failure; default 500 ms doubling up to 30 s. */
  backoff?: BackoffOptions;
  /** While idle, how often to check that the broker still answers; default 15 s, 0 = never. */
  probeIntervalMs?: number;
}

export type RelayState = 'running' | 'retrying' | 'stopped';

export interface RelayStatus {
  name: string;
  state: RelayState;
  /**
   * The checkpoint: the last position written after the broker acknowledged it (at most
   * `checkpointIntervalMs` behind the newest acknowledgement); null before the first.
   */
  position: Position | null;
  /** The last position in the log; null when the log is empty. */
  headPosition: Position | null;
  /**
   * How many events the relay is behind the head (`EventStore.eventsBetween`: on the SQL store an
   * upper bound, capped at 100,000); null only in a snapshot, which does not ask the store.
   */
  lag: number | null;
  /** Events published and checkpointed since this process started the relay. */
  published: number;
  /** Failures in a row since the last success; 0 when healthy. */
  consecutiveFailures: number;
  /** Failed attempts since this process started the relay (the publish-errors metric). */
  publishErrors: number;
  /** The latest failure, kept after recovery for diagnosis. */
  lastError: { message: string; at: string } | null;
  topics: GovernanceTopics;
}

/** Broker batches per page read from the log. */
const READ_BATCHES = 4;

class RelayStopping extends Error {
  constructor() {
    super('the relay is stopping');
    this.name = 'RelayStopping';
  }
}

/** Thrown by a page whose batch in flight failed; the failure itself is the relay's `broken`. */
class PipelineBroken extends Error {
  constructor() {
    super('a batch in flight failed');
    this.name = 'PipelineBroken';
  }
}

/** Lets pending I/O callbacks run (kafkajs writing the request just sent) before more CPU work. */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The Kafka relay (docs/operations.md, "Kafka"): the event log is the outbox. It follows the global log from
 * its checkpoint and publishes every event, in position order, through the EventPublisher port; the
 * checkpoint moves only after the broker acknowledged a batch. A crash between the two republishes
 * what was acknowledged but not yet checkpointed (at-least-once; consumers drop duplicates by eventId),
 * never loses an event. On any failure it stops the subscription, backs off and resumes from the
 * checkpoint, so a batch is never skipped and no later batch overtakes an unacknowledged one: the
 * order per key holds.
 *
 * Off the critical path (issue 17): one batch is in flight at a time, and while it is, the next one is
 * converted to messages (and the subscription reads the next page); the checkpoint is written behind,
 * by `CheckpointWriter`, at most once per `checkpointIntervalMs`. A page is handed back to the
 * subscription with its last batch still in flight; the next page waits for that acknowledgement
 * before it sends, and a failure of it stops the subscription, so the restart loop resumes from the
 * checkpoint as after any other failure.
 */
export class EventRelay {
  private readonly logger = new Logger('KafkaRelay');
  private readonly checkpoints: RelayCheckpoints;
  private readonly writer: CheckpointWriter;
  readonly name: string;
  private readonly topics: GovernanceTopics;
  private readonly topicSpecs: TopicSpec[];
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly backoff: BackoffOptions;
  private readonly probeIntervalMs: number;

  private loop: Promise<void> | null = null;
  private abort = new AbortController();
  private subscription: Subscription | null = null;
  private topicsReady = false;
  private position: Position | null = null;
  private published = 0;
  /** Set while the loop is failing: cleared by the next acknowledged batch (or when nothing is pending). */
  private failure: { message: string; at: string } | null = null;
  /** Set when the idle probe cannot reach the broker. */
  private probeFailure: { message: string; at: string } | null = null;
  private consecutiveFailures = 0;
  private publishErrors = 0;
  private lastError: { message: string; at: string } | null = null;
  private lastSuccessAt = 0;
  /** The batch sent and not yet acknowledged (settles, never rejects); null when none. */
  private inFlight: Promise<void> | null = null;
  /** The first failure of a batch in flight or of a checkpoint write, until the restart loop takes it. */
  private broken: { error: unknown } | null = null;
  /** True while a page handed over by the subscription is being sent. */
  private handling = false;
  private probing = false;
  private probeTimer: NodeJS.Timeout | null = null;

  private readonly store: EventStore;

  /**
   * `store` may be the service's store, which opens personal fields: the relay reads underneath it
   * (`storedFormOf`), so a message carries the stored envelopes, never a name in the clear, and an
   * erasure leaves nothing readable on the topic (docs/security.md, "What erasure does not remove").
   */
  constructor(
    store: EventStore,
    db: SqlExecutor,
    private readonly publisher: EventPublisher,
    options: RelayOptions = {},
  ) {
    this.store = storedFormOf(store);
    this.checkpoints = new RelayCheckpoints(db);
    this.name = options.name ?? 'kafka-relay';
    this.topics = options.topics ?? DEFAULT_TOPICS;
    const partitions = options.partitions ?? { events: 6, alerts: 3 };
    const replicationFactor = options.replicationFactor ?? 1;
    this.topicSpecs = [
      { topic: this.topics.events, partitions: partitions.events, replicationFactor },
      { topic: this.topics.alerts, partitions: partitions.alerts, replicationFactor },
    ];
    this.batchSize = options.batchSize ?? 500;
    this.maxBatchBytes = options.maxBatchBytes ?? 900_000;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.probeIntervalMs = options.probeIntervalMs ?? 15_000;
    this.writer = new CheckpointWriter(this.checkpoints, this.name, {
      intervalMs: options.checkpointIntervalMs ?? 100,
      written: (position, events) => {
        this.position = position;
        this.published += events;
      },
      failed: (error) => this.break(error),
    });
  }

  /** Starts relaying in the background; failures (broker down at start too) are retried, never thrown. */
  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run();
    if (this.probeIntervalMs > 0) {
      this.probeTimer = setInterval(() => void this.probeWhileIdle(), this.probeIntervalMs);
      this.probeTimer.unref();
    }
    this.logger.log(`relaying the event log to ${this.topics.events} and ${this.topics.alerts}`);
  }

  /** Stops after the batch in hand was acknowledged and checkpointed (or failed). */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort.abort();
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    await this.subscription?.stop().catch(() => undefined);
    await this.loop;
    // The batch in hand is acknowledged (or failed) and its checkpoint written before the stop ends.
    await this.drain().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.lastError = { message: `checkpoint not written at stop: ${message}`, at: new Date().toISOString() };
      this.logger.warn(this.lastError.message);
    });
    this.writer.close();
    this.broken = null;
    this.loop = null;
    this.logger.log(`stopped at position ${this.position ?? '(none)'}`);
  }

  /** The relay's state for /health, with its lag behind the head of the log. */
  async status(): Promise<RelayStatus> {
    const head = await this.store.headPosition();
    const lag = await processorLag(this.store, this.position, head);
    return { ...this.snapshot(), headPosition: head, lag };
  }

  /** The relay's state without asking the database (no head, no lag). */
  snapshot(): RelayStatus {
    const state: RelayState = !this.loop ? 'stopped' : this.failure || this.probeFailure ? 'retrying' : 'running';
    return {
      name: this.name,
      state,
      position: this.position,
      headPosition: null,
      lag: null,
      published: this.published,
      consecutiveFailures: this.consecutiveFailures,
      publishErrors: this.publishErrors,
      lastError: this.lastError,
      topics: this.topics,
    };
  }

  private run(): Promise<void> {
    const signal = this.abort.signal;
    return followLog({
      store: this.store,
      // Pages of several broker batches: fewer reads, the next one read while this one is published.
      batchSize: this.batchSize * READ_BATCHES,
      from: async () => {
        // A batch in flight that failed while the subscription idled stopped it: back off first.
        const broken = this.takeBroken();
        if (broken) throw broken.error;
        // Resume after the newest acknowledged batch, not after an older checkpoint.
        await this.drain();
        if (!this.topicsReady || this.failure) {
          // At start, and after a failure as a probe that the broker is back.
          await this.publisher.ensureTopics(this.topicSpecs);
          this.topicsReady = true;
          this.probeFailure = null;
        }
        const after = await this.checkpoints.load(this.name);
        this.position = after;
        if (this.failure && (await this.nothingPending(after))) this.recovered();
        return after;
      },
      handle: (events) => this.relay(events, signal),
      subscribed: (subscription) => {
        this.subscription = subscription;
      },
      failed: (error) => (error instanceof RelayStopping ? 'stop' : this.failed(this.takeBroken()?.error ?? error)),
      stopped: () => signal.aborted,
      sleep: (ms) => sleep(ms, signal),
    });
  }

  /**
   * Publishes a page handed over by the subscription, batch by batch, one batch in flight at a time:
   * each is converted while the one before it is in flight, and sent once that one was acknowledged.
   * Returns with the last batch in flight, so the subscription hands over the next page meanwhile.
   */
  private async relay(events: StoredEvent[], signal: AbortSignal): Promise<void> {
    this.handling = true;
    try {
      const chunks = this.chunks(events);
      for (let next = chunks.next(); !next.done;) {
        const chunk = next.value;
        next = chunks.next();
        await this.settled();
        if (signal.aborted) throw new RelayStopping();
        this.send(chunk);
        // kafkajs encodes and writes the request in callbacks: let it before converting the next batch.
        await yieldToIo();
      }
    } finally {
      this.handling = false;
    }
  }

  /** Waits for the batch in flight; throws when it (or a checkpoint write) failed. */
  private async settled(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (this.broken) throw new PipelineBroken();
  }

  private send(chunk: { events: StoredEvent[]; messages: OutgoingMessage[] }): void {
    const newest = chunk.events.at(-1);
    if (!newest) throw new Error('The relay built an empty chunk of events.');
    // One span per broker batch (docs/operations.md, "Tracing"), linked to the appends of its
    // events; each message carries its own event's traceparent header.
    const sent = inSpan(
      `relay batch ${this.name}`,
      { 'relay.name': this.name, 'batch.events': chunk.events.length, 'batch.messages': chunk.messages.length },
      () => this.publisher.publish(chunk.messages),
      () => linksToAppends(chunk.events),
    );
    const inFlight: Promise<void> = sent.then(
      () => {
        // Only now has the broker acknowledged every message of the chunk.
        if (this.inFlight === inFlight) this.inFlight = null;
        // No page in hand when its last batch is acknowledged: the relay has caught up (or waits for
        // the log), so no later acknowledgement would share the write; it is made at once.
        this.writer.acknowledged(newest.position, chunk.events.length, !this.handling);
        this.lastSuccessAt = Date.now();
        this.probeFailure = null;
        if (this.failure) this.recovered();
      },
      (error: unknown) => {
        if (this.inFlight === inFlight) this.inFlight = null;
        this.break(error);
      },
    );
    this.inFlight = inFlight;
  }

  /**
   * A batch in flight or a checkpoint write failed: remember the first failure for the restart loop
   * and stop the subscription (it may be idle, with nobody waiting on the batch).
   */
  private break(error: unknown): void {
    this.broken ??= { error };
    void this.subscription?.stop().catch(() => undefined);
  }

  private takeBroken(): { error: unknown } | null {
    const broken = this.broken;
    this.broken = null;
    return broken;
  }

  /** Waits for the batch in flight and writes the checkpoint of everything acknowledged. */
  private async drain(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    await this.writer.flush();
  }

  private *chunks(events: StoredEvent[]): Generator<{ events: StoredEvent[]; messages: OutgoingMessage[] }> {
    let chunk: { events: StoredEvent[]; messages: OutgoingMessage[] } = { events: [], messages: [] };
    let bytes = 0;
    for (const event of events) {
      const messages = toMessages(event, this.topics);
      const size = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0);
      if (chunk.events.length > 0 && (chunk.events.length >= this.batchSize || bytes + size > this.maxBatchBytes)) {
        yield chunk;
        chunk = { events: [], messages: [] };
        bytes = 0;
      }
      chunk.events.push(event);
      chunk.messages.push(...messages);
      bytes += size;
    }
    if (chunk.events.length > 0) yield chunk;
  }

  private async nothingPending(after: Position | null): Promise<boolean> {
    const head = await this.store.headPosition();
    if (head === null) return true;
    return after !== null && this.store.comparePositions(after, head) >= 0;
  }

  private failed(error: unknown): number {
    this.consecutiveFailures += 1;
    this.publishErrors += 1;
    const message = error instanceof Error ? error.message : String(error);
    this.failure = this.lastError = { message, at: new Date().toISOString() };
    const delay = backoffDelay(this.consecutiveFailures, this.backoff);
    this.logger.warn(
      `cannot publish (failure ${this.consecutiveFailures} in a row): ${message}; ` +
        `retrying from position ${this.position ?? '(start)'} in ${delay} ms`,
    );
    return delay;
  }

  private recovered(): void {
    this.logger.log(
      `publishing again after ${this.consecutiveFailures} failure(s), from position ${this.position ?? '(start)'}`,
    );
    this.failure = null;
    this.probeFailure = null;
    this.consecutiveFailures = 0;
  }

  /** Notices an outage while no events flow (a publish would notice it otherwise). */
  private async probeWhileIdle(): Promise<void> {
    if (this.probing || this.inFlight || this.failure || Date.now() - this.lastSuccessAt < this.probeIntervalMs) return;
    this.probing = true;
    try {
      await this.publisher.probe();
      this.probeFailure = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.probeFailure = this.lastError = { message: `broker unreachable: ${message}`, at: new Date().toISOString() };
    } finally {
      this.probing = false;
    }
  }
}
