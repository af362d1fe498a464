import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WebhookSender } from '../../apps/worker/src/notifier/webhook-sender.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const sender = new WebhookSender({ attempts: 5, backoff: { initialMs: 10, maxMs: 50 }, timeoutMs: 5000 });

describe('webhook delivery', () => {
  test('retries after server errors and delivers once', async () => {
    const path = receiver.route([503, 500]);
    const outcome = await sender.deliver(`${receiver.url}${path}`, { hello: 'world' }, 'event-1');
    expect(outcome).toMatchObject({ delivered: true, attempts: 3, status: 200, error: null, target: receiver.url });
    expect(receiver.requests(path).map((r) => r.status)).toEqual([503, 500, 200]);
    expect(receiver.delivered(path)).toEqual([{ hello: 'world' }]);
    expect(receiver.requests(path)[0]!.headers['idempotency-key']).toBe('event-1');
    expect(receiver.requests(path)[0]!.headers['content-type']).toBe('application/json');
  });

  test('gives up after the configured attempts and says why', async () => {
    const path = receiver.route([500, 500, 500, 500, 500, 500]);
    const outcome = await sender.deliver(`${receiver.url}${path}`, {}, 'event-2');
    expect(outcome).toMatchObject({ delivered: false, attempts: 5, status: 500, error: 'HTTP 500' });
    expect(receiver.requests(path)).toHaveLength(5);
  });

  test('does not retry an answer that will not change (400)', async () => {
    const path = receiver.route([400]);
    const outcome = await sender.deliver(`${receiver.url}${path}`, {}, 'event-3');
    expect(outcome).toMatchObject({ delivered: false, attempts: 1, status: 400 });
  });

  test('retries when nothing listens and reports the connection error', async () => {
    const closed = await startWebhookReceiver();
    const url = `${closed.url}/gone`;
    await closed.close();
    const outcome = await new WebhookSender({ attempts: 2, backoff: { initialMs: 5, maxMs: 5 } }).deliver(url, {}, 'e');
    expect(outcome).toMatchObject({ delivered: false, attempts: 2, status: null });
    expect(outcome.error).toBeTruthy();
  });
});
