// Proves that the broker infra/kafka/kafka.sh starts (Apache Kafka 3.9, KRaft, one node) does what the
// service needs from it with kafkajs 2.2.4, and that a stop/start (an outage) keeps topics, records and
// committed offsets and lets existing clients carry on.
import { test, expect, beforeAll, afterAll } from '@jest/globals';
import kafkajs from 'kafkajs';
import type { Consumer, EachMessagePayload, Producer } from 'kafkajs';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

// A broker of its own: this file stops and restarts it, which must not hit files using the shared one.
const broker = await ensureKafka({ instance: 'broker-spec' });
const kafkaTest = broker ? test : test.skip;
if (!broker) console.warn(`skipping kafka-broker.spec: ${kafkaUnavailableReason()}`);

// Records persist across runs in the state dir, so every run uses topics and groups of its own.
const run = `${Date.now().toString(36)}-${process.pid}`;
const topic = `broker-spec-${run}`;

const client = new Kafka({
  clientId: 'kafka-broker-spec',
  brokers: broker?.brokers ?? ['127.0.0.1:9'],
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 200, retries: 15 },
});
const admin = client.admin();
let producer: Producer;
const consumers: Consumer[] = [];

interface Seen {
  partition: number;
  offset: string;
  key: string;
  value: string;
}

async function consume(groupId: string, expected: number, fromBeginning = true): Promise<Seen[]> {
  const consumer = client.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 });
  consumers.push(consumer);
  const seen: Seen[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  await consumer.run({
    eachMessage: ({ partition, message }: EachMessagePayload) => {
      seen.push({ partition, offset: message.offset, key: String(message.key), value: String(message.value) });
      return Promise.resolve();
    },
  });
  const deadline = Date.now() + 30_000;
  while (seen.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // A short grace period shows that nothing beyond the expected records arrives.
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  consumers.splice(consumers.indexOf(consumer), 1);
  return seen;
}

beforeAll(async () => {
  if (!broker) return;
  await admin.connect();
  producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
});

afterAll(async () => {
  if (!broker) return;
  for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  await broker.stop();
}, 120_000);

kafkaTest('creates a topic with 3 partitions', async () => {
  await expect(admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).resolves.toBe(true);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  expect(metadata.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
});

kafkaTest('an idempotent producer (one request in flight) writes with send and sendBatch', async () => {
  for (let i = 0; i < 10; i++) {
    const [ack] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: `agreement-${i % 4}`, value: `send-${i}` }],
    });
    expect(ack!.errorCode).toBe(0);
  }
  const acks = await producer.sendBatch({
    acks: -1,
    topicMessages: [
      { topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `agreement-${i % 4}`, value: `batch-${i}` })) },
    ],
  });
  expect(acks.every((a) => a.errorCode === 0)).toBe(true);
});

kafkaTest('a consumer group reads every record once, in order per key', async () => {
  const seen = await consume(`broker-spec-a-${run}`, 20);
  expect(seen).toHaveLength(20);
  expect(new Set(seen.map((s) => s.partition)).size).toBeGreaterThan(1);
  for (let k = 0; k < 4; k++) {
    const values = seen.filter((s) => s.key === `agreement-${k}`).map((s) => s.value);
    const expected = [
      ...Array.from({ length: 10 }, (_, i) => i)
        .filter((i) => i % 4 === k)
        .map((i) => `send-${i}`),
      ...Array.from({ length: 10 }, (_, i) => i)
        .filter((i) => i % 4 === k)
        .map((i) => `batch-${i}`),
    ];
    expect(values).toEqual(expected);
  }
});

kafkaTest(
  'after a stop and start the topic, its records and committed offsets are still there and clients reconnect',
  async () => {
    await broker!.stop();
    await broker!.start();

    // The producer and admin created before the outage carry on without being recreated.
    const [ack] = await producer.send({ topic, acks: -1, messages: [{ key: 'agreement-0', value: 'after-restart' }] });
    expect(ack!.errorCode).toBe(0);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]!.partitions).toHaveLength(3);

    // The group that already read everything resumes from its committed offsets: only the new record.
    const resumed = await consume(`broker-spec-a-${run}`, 1);
    expect(resumed.map((s) => s.value)).toEqual(['after-restart']);

    // A new group still finds every record written before the outage.
    const all = await consume(`broker-spec-b-${run}`, 21);
    expect(all).toHaveLength(21);
  },
  120_000,
);
