// The alert notifier's handling of one message, against a real database and a local HTTP receiver
// (no broker: the message is handed over as the subscriber adapter would). The same notifier
// behind a real consumer group is in alert-notifier.kafka.spec.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { runMigrations, type Position, type SqlDatabase, type StoredEvent } from '#event-store';
import { DEFAULT_TOPICS, MessageSubscriber, toMessages, type IncomingMessage } from '#messaging';
import { AlertNotifier, toNotification } from '../../apps/worker/src/notifier/alert-notifier.js';
import type { EventLogHead } from '../../apps/worker/src/notifier/delivery-watermark.js';
import { NOTIFIER_MIGRATIONS, SeenAlerts } from '../../apps/worker/src/notifier/seen-alerts.js';
import { WebhookSender } from '../../apps/worker/src/notifier/webhook-sender.js';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

Logger.overrideLogger(false);

let database: TestDatabase;
let db: SqlDatabase;
let receiver: WebhookReceiver;

beforeAll(async () => {
  database = await pgliteDriver.create();
  db = database.db;
  await runMigrations(db, NOTIFIER_MIGRATIONS);
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  await database.dispose();
});

class NoSubscriber extends MessageSubscriber {
  subscribe(): Promise<never> {
    return Promise.reject(new Error('not used: messages are handed to handle() directly'));
  }
  async close(): Promise<void> {}
}

const alert = (type = 'AlertRaised', data: Record<string, unknown> = {}): StoredEvent => ({
  eventId: randomUUID(),
  type,
  streamId: 'alert-board-b1-meeting-cancelled-not-rearranged',
  revision: 0,
  position: '17' as Position,
  schemaVersion: 1,
  occurredAt: '2016-04-08T00:00:00.000Z',
  recordedAt: '2016-04-08T06:00:00.000Z',
  actor: 'compliance-evaluator',
  correlationId: randomUUID(),
  causationId: null,
  data: {
    alertId: 'board-b1-meeting-cancelled-not-rearranged',
    rule: 'meeting-cancelled-not-rearranged',
    severity: 'red',
    subject: { boardId: 'b1', meetingId: 'm3' },
    ...data,
  },
});

let offset = 0;
const messageOf = (event: StoredEvent): IncomingMessage => {
  const [message] = toMessages(event, DEFAULT_TOPICS);
  return {
    topic: DEFAULT_TOPICS.alerts,
    partition: 0,
    offset: String(offset++),
    key: message!.key,
    value: message!.value,
    headers: message!.headers,
  };
};

// handle() is called without start(), so no delivery watermark applies: that is alert-notifier.history.kafka.spec.ts.
const noLog: EventLogHead = {
  headPosition: () => Promise.resolve(null),
  comparePositions: (a, b) => Number(BigInt(a) - BigInt(b)),
  readAll: () => Promise.resolve([]),
};

const notifierFor = (
  urls: string[],
  sender = new WebhookSender({ attempts: 3, backoff: { initialMs: 5, maxMs: 20 } }),
) => new AlertNotifier(new NoSubscriber(), db, noLog, sender, { webhookUrls: urls });

describe('alert notifier', () => {
  test('posts the alert to every webhook and then marks it seen', async () => {
    const [a, b] = [receiver.route(), receiver.route()];
    const notifier = notifierFor([`${receiver.url}${a}`, `${receiver.url}${b}`]);
    const event = alert();
    await notifier.handle(messageOf(event));

    const expected = {
      eventId: event.eventId,
      type: 'AlertRaised',
      alertId: 'board-b1-meeting-cancelled-not-rearranged',
      rule: 'meeting-cancelled-not-rearranged',
      severity: 'red',
      subject: { boardId: 'b1', meetingId: 'm3' },
      data: event.data,
      occurredAt: '2016-04-08T00:00:00.000Z',
    };
    expect(receiver.delivered(a)).toEqual([expected]);
    expect(receiver.delivered(b)).toEqual([expected]);
    expect(receiver.requests(a)[0]!.headers['idempotency-key']).toBe(event.eventId);
    expect(await new SeenAlerts(db).find(event.eventId)).toMatchObject({
      eventType: 'AlertRaised',
      outcome: 'delivered',
    });
    expect(notifier.status()).toMatchObject({ notified: 1, failed: 0, duplicatesDropped: 0 });
  });

  test('drops an alert event it has already handled (by eventId)', async () => {
    const path = receiver.route();
    const notifier = notifierFor([`${receiver.url}${path}`]);
    const event = alert('AlertResolved');
    await notifier.handle(messageOf(event));
    await notifier.handle(messageOf(event));
    // Another instance (a restart) sees the same table.
    await notifierFor([`${receiver.url}${path}`]).handle(messageOf(event));
    expect(receiver.delivered(path)).toHaveLength(1);
    expect(notifier.status().duplicatesDropped).toBe(1);
  });

  test('marks an alert seen only after its delivery finished', async () => {
    const event = alert();
    const seen = new SeenAlerts(db);
    let seenDuringDelivery: boolean | null = null;
    const sender = new WebhookSender({
      fetch: async () => {
        seenDuringDelivery = await seen.has(event.eventId);
        return new Response('ok', { status: 200 });
      },
    });
    await notifierFor(['http://hooks.example/alerts'], sender).handle(messageOf(event));
    expect(seenDuringDelivery).toBe(false);
    expect(await seen.has(event.eventId)).toBe(true);
  });

  test('records an alert it gave up on, once, and does not deliver it again', async () => {
    const failing = receiver.route([500, 500, 500, 500]);
    const working = receiver.route();
    const notifier = notifierFor([`${receiver.url}${failing}`, `${receiver.url}${working}`]);
    const event = alert();
    await notifier.handle(messageOf(event));
    await notifier.handle(messageOf(event));

    expect(receiver.requests(failing).map((r) => r.status)).toEqual([500, 500, 500]);
    expect(receiver.delivered(working)).toHaveLength(1);
    const row = await new SeenAlerts(db).find(event.eventId);
    expect(row?.outcome).toBe('partial');
    expect(row?.deliveries).toEqual([
      { target: receiver.url, delivered: false, attempts: 3, status: 500, error: 'HTTP 500' },
      { target: receiver.url, delivered: true, attempts: 1, status: 200, error: null },
    ]);
    expect(notifier.status()).toMatchObject({ notified: 0, failed: 1, duplicatesDropped: 1 });
    expect(notifier.status().lastError?.message).toContain('HTTP 500 after 3 attempt(s)');
  });

  test('ignores other event types and skips a malformed message visibly', async () => {
    const path = receiver.route();
    const notifier = notifierFor([`${receiver.url}${path}`]);
    const other = { ...alert(), type: 'BoardMeetingHeld' };
    await notifier.handle({ ...messageOf(alert()), value: JSON.stringify(other) });
    await notifier.handle({ ...messageOf(alert()), value: 'not json' });
    expect(receiver.requests(path)).toHaveLength(0);
    expect(await new SeenAlerts(db).has(other.eventId)).toBe(false);
    expect(notifier.status().lastError?.message).toContain('not an event envelope');
  });

  test('falls back to the stream id for the alert id when the data has none', () => {
    const event = { ...alert(), streamId: 'alert-x1', data: { note: 'no classification' } };
    expect(toNotification(event)).toMatchObject({ alertId: 'x1', rule: null, severity: null, subject: null });
  });
});
