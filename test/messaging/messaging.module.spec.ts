// The Nest wiring when Kafka is off (the embedded default): nothing starts, /health says why.
// With brokers configured it is exercised in kafka-relay-outage.spec.ts and alert-notifier.kafka.spec.ts.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Global, Logger, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EventStore, SqlDatabase, type SqlEventStore } from '#event-store';
import { MessagingModule, messagingOptionsFromConfig, RelayHealthIndicator, RelayLifecycle } from '#messaging';
import { loadConfig } from '#config';
import {
  AlertNotifierHealthIndicator,
  AlertNotifierLifecycle,
  AlertNotifierModule,
} from '../../apps/worker/src/notifier/alert-notifier.module.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { openStore } from './support.js';

Logger.overrideLogger(false);

let database: TestDatabase;
let store: SqlEventStore;
let app: TestingModule;

beforeAll(async () => {
  database = await pgliteDriver.create();
  store = await openStore(database.db);

  @Global()
  @Module({
    providers: [
      { provide: EventStore, useValue: store },
      { provide: SqlDatabase, useValue: database.db },
    ],
    exports: [EventStore, SqlDatabase],
  })
  class TestPersistenceModule {}

  const config = loadConfig({});
  app = await Test.createTestingModule({
    imports: [
      TestPersistenceModule,
      MessagingModule.forRootAsync({ inject: [], useFactory: () => messagingOptionsFromConfig(config) }),
      AlertNotifierModule.forRoot({ brokers: ['127.0.0.1:9092'], webhookUrls: [] }),
    ],
  }).compile();
  await app.init();
});

afterAll(async () => {
  await app.close();
  await store.close();
  await database.dispose();
});

test('without KAFKA_BROKERS the relay is off and /health reports it as disabled, not down', async () => {
  expect(app.get(RelayLifecycle).relay).toBeNull();
  expect(await app.get(RelayHealthIndicator).check(new HealthIndicatorService())).toEqual({
    kafka: { status: 'up', state: 'disabled', reason: 'KAFKA_BROKERS is not set' },
  });
});

test('without ALERT_WEBHOOK_URLS the notifier is off and says so', () => {
  expect(app.get(AlertNotifierLifecycle).notifier).toBeNull();
  expect(app.get(AlertNotifierHealthIndicator).check(new HealthIndicatorService())).toEqual({
    alertNotifier: { status: 'up', state: 'disabled', reason: 'ALERT_WEBHOOK_URLS is not set' },
  });
});
