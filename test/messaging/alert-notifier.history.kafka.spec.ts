// What the alert notifier does with the alerts already on the topic when delivery is first switched on
// (ALERT_NOTIFY_HISTORY), behind a real consumer group (infra/kafka/kafka.sh), with a real database
// (PGlite) and a local HTTP receiver standing in for the webhooks. Each test has a database of its own
// (the watermark is per database) and topics of its own.
import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { runMigrations, type SqlEventStore } from '#event-store';
import { EventRelay, KafkajsEventPublisher, KafkajsMessageSubscriber } from '#messaging';
import { AlertNotifier } from '../../apps/worker/src/notifier/alert-notifier.js';
import type { AlertHistoryMode } from '../../apps/worker/src/notifier/delivery-watermark.js';
import { NOTIFIER_MIGRATIONS, SeenAlerts } from '../../apps/worker/src/notifier/seen-alerts.js';
import { WebhookSender } from '../../apps/worker/src/notifier/webhook-sender.js';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { openStore, uniqueTopics, until } from './support.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

Logger.overrideLogger(['error']);

const kafka = await ensureKafka();
const kafkaTest = kafka ? test : test.skip;
if (!kafka) console.warn(`skipping alert-notifier.history.kafka.spec: ${kafkaUnavailableReason()}`);
const client = { brokers: kafka?.brokers ?? [], logLevel: 'nothing' as const, retries: 10 };

let receiver: WebhookReceiver;
let publisher: KafkajsEventPublisher;
// Stopped after each test, last started first: notifiers, then relays, stores and databases.
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (!kafka) return;
  receiver = await startWebhookReceiver();
  publisher = new KafkajsEventPublisher(client);
}, 120_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  jest.restoreAllMocks();
}, 120_000);

afterAll(async () => {
  if (!kafka) return;
  await publisher.close();
  await receiver.close();
}, 120_000);

interface World {
  database: TestDatabase;
  store: SqlEventStore;
  relay: EventRelay;
  startNotifier: (options: { path: string; groupId: string; history?: AlertHistoryMode }) => Promise<AlertNotifier>;
  /** Resolves once the relay has published everything in the log. */
  published: () => Promise<void>;
}

/** A database with its event log, a relay publishing it to topics of this test, and notifiers over it. */
async function world(name: string): Promise<World> {
  const database = await pgliteDriver.create();
  cleanups.push(() => database.dispose());
  const store = await openStore(database.db);
  cleanups.push(() => store.close());
  await runMigrations(database.db, NOTIFIER_MIGRATIONS);
  const topics = uniqueTopics(`notifier-history-${name}`);
  const relay = new EventRelay(store, database.db, publisher, { topics });
  relay.start();
  cleanups.push(() => relay.stop());
  return {
    database,
    store,
    relay,
    async startNotifier({ path, groupId, history }) {
      const subscriber = new KafkajsMessageSubscriber({ ...client, maxWaitTimeMs: 100 });
      const notifier = new AlertNotifier(
        subscriber,
        database.db,
        store,
        new WebhookSender({ attempts: 3, backoff: { initialMs: 50, maxMs: 200 } }),
        {
          webhookUrls: [`${receiver.url}${path}`],
          topic: topics.alerts,
          groupId: `${groupId}-${topics.alerts}`,
          ...(history ? { history } : {}),
          skippedSummaryAfterMs: 3000,
        },
      );
      cleanups.push(
        () => subscriber.close(),
        () => notifier.stop(),
      );
      await notifier.start();
      return notifier;
    },
    async published() {
      await until(async () => (await relay.status()).lag === 0, 'the relay published the whole log');
    },
  };
}

const raise = (alertId: string) => ({
  type: 'AlertRaised',
  occurredAt: '2016-04-08T00:00:00Z',
  data: { alertId, rule: 'meeting-overdue', severity: 'amber', subject: { boardId: 'b1' } },
});
const resolve = (alertId: string) => ({ type: 'AlertResolved', occurredAt: '2016-05-01T00:00:00Z', data: { alertId } });
const ctx = { actor: 'compliance-evaluator' };
const eventIds = (path: string) => receiver.delivered(path).map((b) => (b as { eventId: string }).eventId);

/** Years of alerts: six alert events over three alert streams, with board events between them. */
async function appendHistory(store: SqlEventStore): Promise<string[]> {
  for (const id of ['old1', 'old2', 'old3']) {
    await store.append(
      `board-${id}`,
      [{ type: 'BoardMeetingScheduled', occurredAt: '2016-03-03T10:00:00Z', data: {} }],
      {
        expectedRevision: 'no-stream',
        ...ctx,
      },
    );
    await store.append(`alert-${id}`, [raise(id), resolve(id)], { expectedRevision: 'no-stream', ...ctx });
  }
  const events = await Promise.all(['old1', 'old2', 'old3'].map((id) => store.readStream(`alert-${id}`)));
  return events.flat().map((e) => e.eventId);
}

kafkaTest(
  'skip (default): history on the topic before the first start is marked seen, not delivered, and summed up in one ' +
    'log line; a new alert is delivered once; a restart under a new group id re-delivers nothing and loses nothing',
  async () => {
    const { database, store, startNotifier, published } = await world('skip');
    const history = await appendHistory(store);
    await published();
    const logged = jest.spyOn(Logger.prototype, 'log');
    const path = receiver.route();

    const first = await startNotifier({ path, groupId: 'first' });
    // The group is new, so it reads the topic from the beginning: all six historic events arrive.
    await until(() => first.status().skippedHistoric >= 6, 'the history skipped');
    const [head] = (await store.readStream('alert-old3')).slice(-1);
    expect(first.status()).toMatchObject({
      state: 'running',
      skippedHistoric: 6,
      notified: 0,
      history: 'skip',
      watermark: { position: head!.position, basis: 'skip' },
    });
    const seen = new SeenAlerts(database.db);
    for (const eventId of history)
      expect(await seen.find(eventId)).toMatchObject({ outcome: 'skippedHistoric', deliveries: [] });

    await store.append('alert-new1', [raise('new1')], { expectedRevision: 'no-stream', ...ctx });
    await until(() => first.status().notified >= 1, 'the new alert delivered and recorded');
    const [new1] = await store.readStream('alert-new1');
    expect(eventIds(path)).toEqual([new1!.eventId]);

    // One summary line for the whole history, none per event.
    const summaries = () =>
      logged.mock.calls
        .map(([message]) => String(message))
        .filter((message) => /skipped \d+ alert event/.test(message));
    await until(() => summaries().length >= 1, 'the summary of the skipped history logged');
    expect(summaries()).toEqual([
      expect.stringContaining(
        `skipped 6 alert event(s) recorded before delivery was switched on (watermark: log position ${head!.position}`,
      ),
    ]);
    await first.stop();

    // While the notifier is down an alert is raised; then it comes back in a renamed group (or the broker
    // expired the old group's offsets): it reads the whole topic again.
    await store.append('alert-new1', [resolve('new1')], { expectedRevision: 0, ...ctx });
    const second = await startNotifier({ path, groupId: 'renamed' });
    await until(() => second.status().notified >= 1, 'the alert raised while stopped delivered');
    await store.append('alert-new2', [raise('new2')], { expectedRevision: 'no-stream', ...ctx });
    await until(() => second.status().notified >= 2, 'a new alert delivered by the restarted notifier');
    // Six historic events and the first new one come again from the topic; all are dropped as seen.
    await until(() => second.status().duplicatesDropped >= 7, 'the re-read topic dropped as seen');

    const [, resolved1] = await store.readStream('alert-new1');
    const [new2] = await store.readStream('alert-new2');
    expect(eventIds(path)).toEqual([new1!.eventId, resolved1!.eventId, new2!.eventId]);
    expect(second.status()).toMatchObject({ notified: 2, skippedHistoric: 0, duplicatesDropped: 7 });
    // The first start's watermark is kept, not moved to the head at the restart.
    expect(second.status().watermark).toEqual(first.status().watermark);
  },
  240_000,
);

kafkaTest(
  'a first start that finds no alert in the log holds nothing back',
  async () => {
    const { store, startNotifier } = await world('empty');
    const path = receiver.route();
    const notifier = await startNotifier({ path, groupId: 'empty' });
    expect(notifier.status().watermark).toMatchObject({ position: null, basis: 'skip' });
    await store.append('alert-e1', [raise('e1'), resolve('e1')], { expectedRevision: 'no-stream', ...ctx });
    await until(() => notifier.status().notified >= 2, 'both alert events delivered');
    expect(notifier.status()).toMatchObject({ notified: 2, skippedHistoric: 0 });
  },
  240_000,
);

kafkaTest(
  'ALERT_NOTIFY_HISTORY=deliver: the history on the topic is delivered, once',
  async () => {
    const { store, startNotifier, published } = await world('deliver');
    const history = await appendHistory(store);
    await published();
    const path = receiver.route();

    const notifier = await startNotifier({ path, groupId: 'deliver', history: 'deliver' });
    await until(() => notifier.status().notified >= 6, 'the history delivered');
    expect(notifier.status()).toMatchObject({
      notified: 6,
      skippedHistoric: 0,
      history: 'deliver',
      watermark: { position: null, basis: 'deliver' },
    });
    // Three partitions: the order holds per alert stream, not across them.
    expect([...eventIds(path)].sort()).toEqual([...history].sort());
    for (const id of ['old1', 'old2', 'old3']) {
      const [raised, resolved] = await store.readStream(`alert-${id}`);
      const order = eventIds(path);
      expect(order.indexOf(raised!.eventId)).toBeLessThan(order.indexOf(resolved!.eventId));
    }
  },
  240_000,
);
