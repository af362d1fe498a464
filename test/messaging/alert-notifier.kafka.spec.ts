// The alert notifier behind a real consumer group (infra/kafka/kafka.sh), with a real database
// (PGlite) and a local HTTP receiver standing in for the webhooks.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EventStore, runMigrations, SqlDatabase, type SqlEventStore } from '#event-store';
import {
  EventRelay,
  KafkajsEventPublisher,
  KafkajsMessageSubscriber,
  toMessages,
  type GovernanceTopics,
} from '#messaging';
import { AlertNotifier } from '../../apps/worker/src/notifier/alert-notifier.js';
import {
  AlertNotifierHealthIndicator,
  AlertNotifierModule,
} from '../../apps/worker/src/notifier/alert-notifier.module.js';
import { DeliveryWatermarks } from '../../apps/worker/src/notifier/delivery-watermark.js';
import { NOTIFIER_MIGRATIONS, SeenAlerts } from '../../apps/worker/src/notifier/seen-alerts.js';
import { WebhookSender } from '../../apps/worker/src/notifier/webhook-sender.js';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { openStore, uniqueTopics, until } from './support.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

Logger.overrideLogger(['error']);

const kafka = await ensureKafka();
const kafkaTest = kafka ? test : test.skip;
if (!kafka) console.warn(`skipping alert-notifier.kafka.spec: ${kafkaUnavailableReason()}`);
const client = { brokers: kafka?.brokers ?? [], logLevel: 'nothing' as const, retries: 10 };

let database: TestDatabase;
let store: SqlEventStore;
let receiver: WebhookReceiver;
let topics: GovernanceTopics;
let publisher: KafkajsEventPublisher;
let relay: EventRelay;
// Notifiers a test started; stopped after that test. Every notifier of this file shares one seen table
// (the database) and reads the same alerts topic, each in a group of its own: a notifier left running
// would race the next test's notifier for that test's alerts, deliver them to its own webhook path and
// mark them seen, and the next notifier would then drop them as duplicates and never deliver them.
const cleanups: (() => Promise<void>)[] = [];

async function stopNotifiers(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

beforeAll(async () => {
  if (!kafka) return;
  database = await pgliteDriver.create();
  store = await openStore(database.db);
  await runMigrations(database.db, NOTIFIER_MIGRATIONS);
  // Delivery switched on while the log is empty: every alert of these tests is new, whichever test runs
  // first (alert-notifier.history.kafka.spec.ts covers alerts already in the log at the first start).
  await new DeliveryWatermarks(database.db, store).establish('skip');
  receiver = await startWebhookReceiver();
  topics = uniqueTopics('notifier');
  publisher = new KafkajsEventPublisher(client);
  relay = new EventRelay(store, database.db, publisher, { topics });
  relay.start();
}, 120_000);

afterEach(stopNotifiers, 120_000);

afterAll(async () => {
  if (!kafka) return;
  await stopNotifiers();
  await relay.stop();
  await publisher.close();
  await receiver.close();
  await store.close();
  await database.dispose();
}, 120_000);

async function startNotifier(path: string, groupId = `notifier-${topics.alerts}`): Promise<AlertNotifier> {
  const subscriber = new KafkajsMessageSubscriber({ ...client, maxWaitTimeMs: 100 });
  const notifier = new AlertNotifier(
    subscriber,
    database.db,
    store,
    new WebhookSender({ attempts: 5, backoff: { initialMs: 50, maxMs: 200 } }),
    { webhookUrls: [`${receiver.url}${path}`], topic: topics.alerts, groupId },
  );
  cleanups.push(
    () => subscriber.close(),
    () => notifier.stop(),
  );
  await notifier.start();
  return notifier;
}

const raise = (alertId: string) => ({
  type: 'AlertRaised',
  occurredAt: '2016-04-08T00:00:00Z',
  data: { alertId, rule: 'meeting-cancelled-not-rearranged', severity: 'red', subject: { boardId: 'hampshire-tvp' } },
});
const resolve = (alertId: string) => ({ type: 'AlertResolved', occurredAt: '2016-05-01T00:00:00Z', data: { alertId } });
const eventIds = (path: string) => receiver.delivered(path).map((b) => (b as { eventId: string }).eventId);

kafkaTest(
  'an alert appended to the log reaches the webhook once, although the webhook failed twice first',
  async () => {
    const path = receiver.route([500, 502]);
    const notifier = await startNotifier(path, `notifier-retry-${topics.alerts}`);
    await store.append('alert-a1', [raise('a1')], { expectedRevision: 'no-stream', actor: 'compliance-evaluator' });
    // The next event of the same alert follows on the same partition: once it is delivered,
    // everything before it was handled.
    await store.append('alert-a1', [resolve('a1')], { expectedRevision: 0, actor: 'compliance-evaluator' });
    // The webhook sees a request before the notifier has its answer and records the alert as seen:
    // wait for the notifier's count, which moves last, before reading its status or the seen table.
    await until(() => notifier.status().notified >= 2, 'both alert events delivered and recorded');

    const [raised, resolved] = await store.readStream('alert-a1');
    expect(receiver.requests(path).map((r) => r.status)).toEqual([500, 502, 200, 200]);
    expect(eventIds(path)).toEqual([raised!.eventId, resolved!.eventId]);
    expect(receiver.delivered(path)[0]).toMatchObject({
      eventId: raised!.eventId,
      type: 'AlertRaised',
      alertId: 'a1',
      rule: 'meeting-cancelled-not-rearranged',
      severity: 'red',
      subject: { boardId: 'hampshire-tvp' },
      occurredAt: raised!.occurredAt,
    });
    expect(await new SeenAlerts(database.db).find(raised!.eventId)).toMatchObject({ outcome: 'delivered' });
    expect(notifier.status()).toMatchObject({ state: 'running', notified: 2, failed: 0 });
  },
  180_000,
);

kafkaTest(
  'duplicate alert events on the topic are delivered once, also by a restarted notifier of the same group',
  async () => {
    const path = receiver.route();
    const groupId = `notifier-dupes-${topics.alerts}`;
    await store.append('alert-d1', [raise('d1'), resolve('d1')], {
      expectedRevision: 'no-stream',
      actor: 'compliance-evaluator',
    });
    const [raised, resolved] = await store.readStream('alert-d1');
    // As a relay that crashed before its checkpoint would: the same events published again.
    await publisher.publish([
      ...toMessages(raised!, topics),
      ...toMessages(raised!, topics),
      ...toMessages(resolved!, topics),
    ]);

    const first = await startNotifier(path, groupId);
    // On the topic: raised and resolved from the relay, raised twice and resolved again from the "crashed" one.
    await until(() => first.status().duplicatesDropped >= 3 && eventIds(path).length >= 2, 'duplicates dropped');
    expect(eventIds(path)).toEqual([raised!.eventId, resolved!.eventId]);
    await first.stop();

    // A restart re-reads whatever offsets were not committed yet; the seen table drops those.
    await store.append('alert-d1', [raise('d1')], { expectedRevision: 1, actor: 'compliance-evaluator' });
    const second = await startNotifier(path, groupId);
    await until(() => second.status().notified >= 1, 'the new alert delivered and recorded');
    const [, , again] = await store.readStream('alert-d1');
    expect(eventIds(path)).toEqual([raised!.eventId, resolved!.eventId, again!.eventId]);
    expect(second.status().notified).toBe(1);
  },
  180_000,
);

kafkaTest(
  'AlertNotifierModule joins the group on bootstrap, reports running in health and delivers new alerts',
  async () => {
    const path = receiver.route();

    @Global()
    @Module({
      providers: [
        { provide: SqlDatabase, useValue: database.db },
        { provide: EventStore, useValue: store },
      ],
      exports: [SqlDatabase, EventStore],
    })
    class TestPersistenceModule {}

    const app = await Test.createTestingModule({
      imports: [
        TestPersistenceModule,
        AlertNotifierModule.forRoot({
          brokers: client.brokers,
          kafka: { logLevel: 'nothing' },
          webhookUrls: [`${receiver.url}${path}`],
          topic: topics.alerts,
          groupId: `notifier-module-${topics.alerts}`,
          delivery: { backoff: { initialMs: 50, maxMs: 200 } },
        }),
      ],
    }).compile();
    await app.init();
    try {
      const health = () => app.get(AlertNotifierHealthIndicator).check(new HealthIndicatorService());
      await until(() => health().alertNotifier!.status === 'up', 'notifier running');
      await store.append('alert-m1', [raise('m1')], { expectedRevision: 'no-stream', actor: 'compliance-evaluator' });
      await until(() => receiver.delivered(path).length >= 1, 'alert delivered');
      const [raised] = await store.readStream('alert-m1');
      expect(eventIds(path)).toContain(raised!.eventId);
      expect(health().alertNotifier).toMatchObject({ status: 'up', state: 'running' });
    } finally {
      await app.close();
    }
  },
  180_000,
);
