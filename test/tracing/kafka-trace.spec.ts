import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { EventStore } from '#event-store';
import { DEFAULT_TOPICS } from '#messaging';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { collect, until } from '../messaging/support.js';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { drafting, registerInMemoryTracing, traceparentOf } from './support.js';

/*
 * The trace reaches the topic (docs/operations.md, "Tracing"): the real application with its
 * background relay and a real broker (infra/kafka/kafka.sh); the message of a traced command
 * carries the append's traceparent, and the relay batch that published it links to that append.
 */

const kafka = await ensureKafka();
const kafkaTest = kafka ? test : test.skip;
if (!kafka) console.warn(`skipping kafka-trace.spec: ${kafkaUnavailableReason()}`);

const tracing = registerInMemoryTracing();
let api: ApiHarness | undefined;

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

beforeAll(async () => {
  if (kafka) api = await startApi({ KAFKA_BROKERS: kafka.brokers.join(',') });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await tracing.unregister();
}, 120_000);

kafkaTest(
  "the Kafka message of a traced command carries the append's traceparent header",
  async () => {
    const id = `kafka-traced-${Date.now()}`;
    const res = await api!.admin
      .post('/agreements')
      .set('traceparent', traceparentOf(TRACE_ID, 'b7ad6b7169203331'))
      .send(drafting(id));
    expect(res.status).toBe(201);
    const [event] = await api!.app.get(EventStore).readStream(`agreement-${id}`);
    expect(event?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));

    const consumer = await collect(kafka!.brokers, [DEFAULT_TOPICS.events], `trace-check-${id}`);
    try {
      const ours = () => consumer.received(DEFAULT_TOPICS.events).find((m) => m.eventId === event!.eventId);
      await until(() => Promise.resolve(ours() !== undefined), 'the traced event consumed');
      expect(ours()!.headers.traceparent).toBe(event!.traceparent);
      expect(ours()!.headers.correlationId).toBe(event!.correlationId);
    } finally {
      await consumer.stop();
    }

    const spans = await tracing.spansOnce(/^relay batch /);
    const relayed = spans.filter(
      (s) => s.name.startsWith('relay batch ') && s.links.some((l) => event!.traceparent!.includes(l.context.spanId)),
    );
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.links.some((l) => l.context.traceId === TRACE_ID)).toBe(true);
  },
  300_000,
);
