// The relay against a real broker (infra/kafka/kafka.sh) and a real database (PGlite): every
// stored event on the events topic in order per key, alerts also on the alerts topic, topics
// created at start, and a relay killed between publish and checkpoint losing nothing.
import { afterEach, expect, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import kafkajs from 'kafkajs';
import { runMigrations, type SqlEventStore } from '#event-store';
import {
  EventPublisher,
  EventRelay,
  KafkajsEventPublisher,
  KafkajsMessageSubscriber,
  type OutgoingMessage,
  type TopicSpec,
} from '#messaging';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { AlertNotifier } from '../../apps/worker/src/notifier/alert-notifier.js';
import { NOTIFIER_MIGRATIONS } from '../../apps/worker/src/notifier/seen-alerts.js';
import { WebhookSender } from '../../apps/worker/src/notifier/webhook-sender.js';
import {
  appendInterleaved,
  checkpointOf,
  collect,
  firstOccurrencesPerKey,
  openStore,
  streamsOf,
  uniqueTopics,
  until,
} from './support.js';
import { startWebhookReceiver } from './webhook-receiver.js';

Logger.overrideLogger(['error']);

const kafka = await ensureKafka();
const kafkaTest = kafka ? test : test.skip;
if (!kafka) console.warn(`skipping kafka-relay.spec: ${kafkaUnavailableReason()}`);
const brokers = kafka?.brokers ?? [];
const client = { brokers, logLevel: 'nothing' as const, retries: 10 };

const cleanups: (() => Promise<void>)[] = [];

/** A database of its own for each test, so what a relay publishes is exactly that test's events. */
async function freshStore(): Promise<{ database: TestDatabase; store: SqlEventStore }> {
  const database = await pgliteDriver.create();
  const store = await openStore(database.db);
  await runMigrations(database.db, NOTIFIER_MIGRATIONS);
  cleanups.push(async () => {
    await store.close();
    await database.dispose();
  });
  return { database, store };
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}, 120_000);

async function caughtUp(relay: EventRelay): Promise<boolean> {
  const status = await relay.status();
  return status.position !== null && status.position === status.headPosition;
}

kafkaTest(
  'creates the topics and publishes every stored event in order per key; alert events also on the alerts topic',
  async () => {
    const { database, store } = await freshStore();
    const topics = uniqueTopics('relay-order');
    const publisher = new KafkajsEventPublisher(client);
    const relay = new EventRelay(store, database.db, publisher, { name: 'order', topics, batchSize: 100 });
    cleanups.push(
      () => publisher.close(),
      () => relay.stop(),
    );

    await appendInterleaved(store, 400, { prefix: 'o', streams: 9, alertEvery: 25 });
    relay.start();
    await until(() => caughtUp(relay), 'relay caught up');
    // Live events after the catch-up.
    await appendInterleaved(store, 50, { prefix: 'o', streams: 9, alertEvery: 25 });
    await until(() => caughtUp(relay), 'relay caught up with live events');

    const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topics.events, topics.alerts] });
    await admin.disconnect();
    expect(Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]))).toEqual({
      [topics.events]: 6,
      [topics.alerts]: 3,
    });

    const consumer = await collect(brokers, [topics.events, topics.alerts], `order-check-${topics.events}`);
    cleanups.push(() => consumer.stop());
    await until(() => consumer.received(topics.events).length >= 450, 'all events consumed');
    const alertCount = (await store.readAll({ maxCount: 10_000 })).filter((e) => e.type === 'AlertRaised').length;
    expect(alertCount).toBe(18);
    await until(() => consumer.received(topics.alerts).length >= alertCount, 'all alerts consumed');

    const events = consumer.received(topics.events);
    const streams = await streamsOf(store);
    const relayed = firstOccurrencesPerKey(events);
    expect(relayed).toEqual(streams);
    expect(new Set(events.map((e) => e.partition)).size).toBeGreaterThan(1);
    for (const e of events) {
      expect(e.key).toBe(e.envelope.streamId);
      expect(e.headers).toEqual({
        eventId: e.eventId,
        type: e.type,
        schemaVersion: String(e.envelope.schemaVersion),
        correlationId: e.envelope.correlationId,
        ...(e.envelope.causationId === null ? {} : { causationId: e.envelope.causationId }),
      });
      expect(e.headers.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The alerts carry the id of the event that caused them.
    expect(
      events.filter((e) => e.type === 'AlertRaised').every((e) => /^[0-9a-f-]{36}$/.test(e.headers.causationId ?? '')),
    ).toBe(true);
    const alerts = consumer.received(topics.alerts);
    expect(alerts.every((a) => a.type === 'AlertRaised')).toBe(true);
    expect(new Set(alerts.map((a) => a.eventId))).toEqual(
      new Set(events.filter((e) => e.type === 'AlertRaised').map((e) => e.eventId)),
    );
    expect((await relay.status()).published).toBe(450);
  },
  300_000,
);

/** The real publisher, with a "kill" after the broker acknowledged one chosen batch and before the checkpoint. */
class KillAfterAck extends EventPublisher {
  batches = 0;
  killed = false;
  constructor(
    private readonly inner: EventPublisher,
    private readonly killAfterBatch: number,
  ) {
    super();
  }
  ensureTopics(topics: TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }
  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.killed) throw new Error('this relay process is dead');
    await this.inner.publish(messages);
    if (++this.batches === this.killAfterBatch) {
      this.killed = true;
      throw new Error('killed between the ack and the checkpoint');
    }
  }
  probe(): Promise<void> {
    return this.inner.probe();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

kafkaTest(
  'a relay killed between publish and checkpoint republishes: duplicates on the topic, none lost, and the notifier delivers each alert once',
  async () => {
    const { database, store } = await freshStore();
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const topics = uniqueTopics('relay-crash');
    await appendInterleaved(store, 120, { prefix: 'c', streams: 4, alertEvery: 4 });

    const first = new KillAfterAck(new KafkajsEventPublisher(client), 2);
    const dying = new EventRelay(store, database.db, first, {
      name: 'crash',
      topics,
      batchSize: 20,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    cleanups.push(() => first.close());
    dying.start();
    await until(() => first.killed, 'killed after the second batch');
    await dying.stop();
    const all = await store.readAll({ maxCount: 10_000 });
    // The second batch is on the broker, but the checkpoint still says "after the first".
    const checkpoint = await checkpointOf(database.db, 'crash');
    expect(checkpoint).not.toBeNull();
    expect(BigInt(checkpoint!)).toBeLessThan(BigInt((await store.headPosition())!));

    const second = new KafkajsEventPublisher(client);
    const relay = new EventRelay(store, database.db, second, { name: 'crash', topics, batchSize: 20 });
    cleanups.push(
      () => second.close(),
      () => relay.stop(),
    );
    relay.start();
    await until(async () => (await relay.status()).lag === 0, 'restarted relay caught up');

    const consumer = await collect(brokers, [topics.events], `crash-check-${topics.events}`);
    cleanups.push(() => consumer.stop());
    await until(
      () => new Set(consumer.received(topics.events).map((e) => e.eventId)).size >= all.length,
      'every event consumed',
    );
    const received = consumer.received(topics.events);
    expect(received.length).toBeGreaterThan(new Set(received.map((e) => e.eventId)).size); // duplicates exist
    expect(firstOccurrencesPerKey(received)).toEqual(await streamsOf(store)); // none lost, order per key kept

    // The alert notifier consumes the alerts topic, duplicates included, and delivers each alert once.
    const alertIds = all.filter((e) => e.type === 'AlertRaised').map((e) => e.eventId);
    const path = receiver.route();
    const subscriber = new KafkajsMessageSubscriber({ ...client, maxWaitTimeMs: 100 });
    const notifier = new AlertNotifier(
      subscriber,
      database.db,
      store,
      new WebhookSender({ backoff: { initialMs: 10, maxMs: 50 } }),
      {
        webhookUrls: [`${receiver.url}${path}`],
        topic: topics.alerts,
        groupId: `notifier-${topics.alerts}`,
        // The alerts were all appended before the notifier's first start: deliver them (the default, skip,
        // would mark them seen as history; see alert-notifier.history.kafka.spec.ts).
        history: 'deliver',
      },
    );
    cleanups.push(
      () => subscriber.close(),
      () => notifier.stop(),
    );
    await notifier.start();
    // The republished second batch (events 21-40) holds 5 alerts: each arrives twice.
    await until(
      () => receiver.delivered(path).length >= alertIds.length && notifier.status().duplicatesDropped >= 5,
      'every alert delivered and the 5 duplicates dropped',
    );
    const delivered = receiver.delivered(path).map((b) => (b as { eventId: string }).eventId);
    expect(delivered.sort()).toEqual([...alertIds].sort());
    expect(notifier.status()).toMatchObject({ notified: alertIds.length, duplicatesDropped: 5, failed: 0 });
  },
  300_000,
);
