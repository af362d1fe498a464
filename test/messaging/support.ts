import { randomUUID } from 'node:crypto';
import {
  migrateEventStore,
  migrateProcessors,
  SqlEventStore,
  type EventStore,
  type NewEvent,
  type Position,
  type SqlDatabase,
  type StoredEvent,
} from '#event-store';
import {
  EventPublisher,
  KafkajsMessageSubscriber,
  RelayCheckpoints,
  type GovernanceTopics,
  type IncomingMessage,
  type OutgoingMessage,
  type TopicSpec,
} from '#messaging';

/** Opens the event store and the messaging tables over a test database (fast polling for live tests). */
export async function openStore(db: SqlDatabase): Promise<SqlEventStore> {
  await migrateEventStore(db);
  await migrateProcessors(db);
  return new SqlEventStore(db, { pollIntervalMs: 50 });
}

/** Topic names of one test file and run: the broker keeps topics across runs. */
export function uniqueTopics(file: string): GovernanceTopics {
  const run = `${Date.now().toString(36)}-${process.pid}`;
  return { events: `${file}.events.${run}`, alerts: `${file}.alerts.${run}` };
}

/**
 * Appends `count` events round-robin over `streams` streams (`board-<prefix><n>`); every `alertEvery`-th
 * one goes to an alert stream as AlertRaised. One append per event, so they interleave in the log.
 */
export async function appendInterleaved(
  store: EventStore,
  count: number,
  { prefix = 'a', streams = 5, alertEvery = 0 }: { prefix?: string; streams?: number; alertEvery?: number } = {},
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const alert = alertEvery > 0 && i % alertEvery === alertEvery - 1;
    const streamId = alert ? `alert-${prefix}${i}` : `board-${prefix}${i % streams}`;
    const event: NewEvent = alert
      ? {
          type: 'AlertRaised',
          occurredAt: '2016-03-10T09:00:00Z',
          data: {
            alertId: `${prefix}${i}`,
            rule: 'meeting-cancelled-not-rearranged',
            severity: 'red',
            subject: { boardId: 'b1' },
          },
        }
      : { type: 'BoardMeetingScheduled', occurredAt: '2016-03-03T10:00:00Z', data: { n: i } };
    // An alert is caused by an event (as the compliance evaluator records it): its causation id travels too.
    await store.append(streamId, [event], {
      expectedRevision: 'any',
      actor: 'test',
      correlationId: randomUUID(),
      ...(alert ? { causationId: randomUUID() } : {}),
    });
  }
}

/** Every stream of the store with its events in revision order (what consumers must see per key). */
export async function streamsOf(store: EventStore): Promise<Map<string, string[]>> {
  const byStream = new Map<string, string[]>();
  for (let from: Position | undefined; ;) {
    // `fromPosition` is inclusive: after the first page, each starts with the last event already seen.
    const page = (await store.readAll({ fromPosition: from, maxCount: 1000 })).filter(
      (e) => from === undefined || store.comparePositions(e.position, from) > 0,
    );
    if (page.length === 0) break;
    for (const e of page) byStream.set(e.streamId, []);
    from = page[page.length - 1]!.position;
  }
  for (const streamId of byStream.keys()) {
    byStream.set(
      streamId,
      (await store.readStream(streamId)).map((e) => e.eventId),
    );
  }
  return byStream;
}

/** Per key, the eventIds in the order they were received, keeping only the first of duplicates (what a consumer that dedupes sees). */
export function firstOccurrencesPerKey(messages: { key: string | null; eventId: string }[]): Map<string, string[]> {
  const seen = new Set<string>();
  const byKey = new Map<string, string[]>();
  for (const { key, eventId } of messages) {
    if (seen.has(eventId)) continue;
    seen.add(eventId);
    const list = byKey.get(key ?? '') ?? [];
    list.push(eventId);
    byKey.set(key ?? '', list);
  }
  return byKey;
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting (${timeoutMs} ms) for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function checkpointOf(db: SqlDatabase, name: string): Promise<Position | null> {
  return new RelayCheckpoints(db).load(name);
}

/** An in-memory EventPublisher: records every acknowledged batch; can be told to fail. */
export class RecordingPublisher extends EventPublisher {
  readonly batches: OutgoingMessage[][] = [];
  readonly ensured: TopicSpec[][] = [];
  /** While set, the "broker" is unreachable: every call fails with it and nothing is written. */
  down: Error | null = null;
  /** Writes the batch, then throws what this returns (a crash after the ack, before the checkpoint). */
  failAfterPublish: (messages: OutgoingMessage[]) => Error | null | Promise<Error | null> = () => null;
  publishCalls = 0;

  ensureTopics(topics: TopicSpec[]): Promise<void> {
    if (this.down) return Promise.reject(this.down);
    this.ensured.push(topics);
    return Promise.resolve();
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.publishCalls += 1;
    if (this.down) throw this.down;
    this.batches.push(messages);
    const after = await this.failAfterPublish(messages);
    if (after) throw after;
  }

  probe(): Promise<void> {
    return this.down ? Promise.reject(this.down) : Promise.resolve();
  }

  async close(): Promise<void> {}

  messages(topic?: string): OutgoingMessage[] {
    return this.batches.flat().filter((m) => topic === undefined || m.topic === topic);
  }
}

export interface Received {
  key: string | null;
  eventId: string;
  type: string;
  headers: Record<string, string>;
  partition: number;
  envelope: StoredEvent;
}

/** Reads topics through the real adapter, in a group of its own from the beginning, recording every message. */
export async function collect(brokers: string[], topics: string[], groupId: string) {
  const subscriber = new KafkajsMessageSubscriber({ brokers, logLevel: 'nothing', maxWaitTimeMs: 100, retries: 10 });
  const received = new Map<string, Received[]>(topics.map((t) => [t, []]));
  const subscription = await subscriber.subscribe({
    groupId,
    topics,
    fromBeginning: true,
    handle: (message: IncomingMessage) => {
      const envelope = JSON.parse(message.value ?? 'null') as StoredEvent;
      received.get(message.topic)!.push({
        key: message.key,
        eventId: envelope.eventId,
        type: envelope.type,
        headers: message.headers,
        partition: message.partition,
        envelope,
      });
      return Promise.resolve();
    },
  });
  return {
    received: (topic: string): Received[] => received.get(topic) ?? [],
    async stop() {
      await subscription.stop();
      await subscriber.close();
    },
  };
}
