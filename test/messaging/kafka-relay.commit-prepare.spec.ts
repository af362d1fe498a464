// The relay against a real broker (infra/kafka/kafka.sh) on a store whose positions are KurrentDB
// commit/prepare pairs (test/support/commit-prepare-store.ts): each event is published once, its
// envelope carrying its pair; the checkpoint is the pair of the last event acknowledged; the lag,
// counted by the store, falls to 0.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SqlEventStore } from '#event-store';
import { EventRelay, KafkajsEventPublisher } from '#messaging';
import { CommitPreparePositionStore } from '../support/commit-prepare-store.js';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
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

Logger.overrideLogger(['error']);

const kafka = await ensureKafka();
const kafkaTest = kafka ? test : test.skip;
if (!kafka) console.warn(`skipping kafka-relay.commit-prepare.spec: ${kafkaUnavailableReason()}`);
const brokers = kafka?.brokers ?? [];

const PAIR = /^[0-9a-f]{16}\/[0-9a-f]{16}$/;

let database: TestDatabase;
let sqlStore: SqlEventStore;
let store: CommitPreparePositionStore;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await pgliteDriver.create();
  sqlStore = await openStore(database.db);
  store = new CommitPreparePositionStore(sqlStore);
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await store?.close();
  await database?.dispose();
}, 120_000);

kafkaTest(
  'publishes every event exactly once with its commit/prepare position, and its lag falls to 0',
  async () => {
    const topics = uniqueTopics('relay-pairs');
    // Commits are n × 0x100: from event 16 on they need one more hex digit (…00f00 → …01000), where
    // unpadded text would sort out of log order.
    await appendInterleaved(store, 300, { prefix: 'p', streams: 7, alertEvery: 20 });
    const publisher = new KafkajsEventPublisher({ brokers, logLevel: 'nothing', retries: 10 });
    // Small batches: many checkpoints, each compared with the last as a key.
    const relay = new EventRelay(store, database.db, publisher, { name: 'pairs', topics, batchSize: 40 });
    stops.push(
      () => publisher.close(),
      () => relay.stop(),
    );
    const before = await relay.status();
    expect(before).toMatchObject({ position: null, lag: 300 });
    expect(before.headPosition).toMatch(PAIR);

    relay.start();
    await until(async () => (await relay.status()).lag === 0, 'relay lag 0');
    await appendInterleaved(store, 40, { prefix: 'q', streams: 7, alertEvery: 20 });
    await until(async () => (await relay.status()).lag === 0, 'relay lag 0 after live events');

    const all = await store.readAll({ maxCount: 10_000 });
    expect(all).toHaveLength(340);
    const head = await store.headPosition();
    expect(head).toMatch(PAIR);
    expect(await relay.status()).toMatchObject({
      state: 'running',
      position: head,
      headPosition: head,
      lag: 0,
      published: 340,
    });
    expect(await checkpointOf(database.db, 'pairs')).toBe(head);

    const consumer = await collect(brokers, [topics.events, topics.alerts], `pairs-check-${topics.events}`);
    stops.push(() => consumer.stop());
    await until(() => consumer.received(topics.events).length >= all.length, 'every event consumed');
    await until(() => consumer.received(topics.alerts).length >= 17, 'every alert consumed');
    // A little longer, so a second publication would have arrived too.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const received = consumer.received(topics.events);
    expect(received).toHaveLength(all.length);
    const positionOf = new Map(all.map((e) => [e.eventId, e.position]));
    expect(new Map(received.map((m) => [m.eventId, m.envelope.position]))).toEqual(positionOf);
    expect(received.every((m) => PAIR.test(m.envelope.position))).toBe(true);
    expect(firstOccurrencesPerKey(received)).toEqual(await streamsOf(store));
    const alerts = consumer.received(topics.alerts);
    expect(alerts.map((m) => m.eventId).sort()).toEqual(
      all
        .filter((e) => e.type === 'AlertRaised')
        .map((e) => e.eventId)
        .sort(),
    );
  },
  300_000,
);
