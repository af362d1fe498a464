// A broker outage, through the Nest wiring: MessagingModule starts the relay on bootstrap; the broker
// (one of its own, infra/kafka/kafka.sh) is stopped and started again. While it is down the relay's
// health indicator says so; afterwards every event appended meanwhile is published, in order per key.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Global, Logger, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EventStore, SqlDatabase, type SqlEventStore } from '#event-store';
import { MessagingModule, RelayHealthIndicator, RelayLifecycle, type GovernanceTopics } from '#messaging';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import {
  appendInterleaved,
  collect,
  firstOccurrencesPerKey,
  openStore,
  streamsOf,
  uniqueTopics,
  until,
} from './support.js';

Logger.overrideLogger(['error']);

// A broker of its own: stopping the shared one would break the files running beside this one.
const kafka = await ensureKafka({ instance: 'relay-outage' });
const kafkaTest = kafka ? test : test.skip;
if (!kafka) console.warn(`skipping kafka-relay-outage.spec: ${kafkaUnavailableReason()}`);

let database: TestDatabase;
let store: SqlEventStore;
let app: TestingModule;
let topics: GovernanceTopics;

beforeAll(async () => {
  if (!kafka) return;
  database = await pgliteDriver.create();
  store = await openStore(database.db);
  topics = uniqueTopics('relay-outage');

  @Global()
  @Module({
    providers: [
      { provide: EventStore, useValue: store },
      { provide: SqlDatabase, useValue: database.db },
    ],
    exports: [EventStore, SqlDatabase],
  })
  class TestPersistenceModule {}

  app = await Test.createTestingModule({
    imports: [
      TestPersistenceModule,
      MessagingModule.forRoot({
        brokers: kafka.brokers,
        kafka: { logLevel: 'nothing' },
        relay: { topics, batchSize: 50, backoff: { initialMs: 200, maxMs: 2000 }, probeIntervalMs: 1000 },
      }),
    ],
  }).compile();
  await app.init();
}, 180_000);

afterAll(async () => {
  if (!kafka) return;
  await app?.close();
  await store.close();
  await database.dispose();
  await kafka.stop();
}, 180_000);

const health = () => app.get(RelayHealthIndicator).check(new HealthIndicatorService());
const caughtUp = async () => {
  const status = await app.get(RelayLifecycle).status();
  return status.state === 'running' && status.position !== null && status.position === status.headPosition;
};

kafkaTest(
  'while the broker is down the relay reports unhealthy; afterwards everything appended meanwhile is published in order per key',
  async () => {
    await appendInterleaved(store, 100, { prefix: 'before', streams: 6, alertEvery: 20 });
    await until(caughtUp, 'relay caught up before the outage');
    expect((await health()).kafka).toMatchObject({ status: 'up', state: 'running', lag: 0, published: 100 });

    await kafka!.stop();
    await appendInterleaved(store, 40, { prefix: 'during', streams: 6, alertEvery: 20 });
    await until(async () => (await health()).kafka!.status === 'down', 'health reports the outage', 180_000);
    const down = (await health()).kafka;
    expect(down).toMatchObject({ status: 'down', state: 'retrying' });
    expect(down!.lag).toBeGreaterThan(0);
    expect(down!.lastError).toEqual({ message: expect.any(String), at: expect.any(String) });
    // More events while the relay is known to be failing.
    await appendInterleaved(store, 40, { prefix: 'during', streams: 6, alertEvery: 20 });

    await kafka!.start();
    await until(caughtUp, 'relay caught up after the outage', 180_000);
    expect((await health()).kafka).toMatchObject({ status: 'up', state: 'running', lag: 0, consecutiveFailures: 0 });

    const consumer = await collect(kafka!.brokers, [topics.events, topics.alerts], `outage-check-${topics.events}`);
    try {
      const all = await store.readAll({ maxCount: 10_000 });
      expect(all).toHaveLength(180);
      await until(
        () => new Set(consumer.received(topics.events).map((e) => e.eventId)).size >= all.length,
        'every event consumed',
      );
      expect(firstOccurrencesPerKey(consumer.received(topics.events))).toEqual(await streamsOf(store));
      const alertIds = all.filter((e) => e.type === 'AlertRaised').map((e) => e.eventId);
      await until(
        () => new Set(consumer.received(topics.alerts).map((e) => e.eventId)).size >= alertIds.length,
        'every alert consumed',
      );
      expect(new Set(consumer.received(topics.alerts).map((e) => e.eventId))).toEqual(new Set(alertIds));
    } finally {
      await consumer.stop();
    }
  },
  600_000,
);
