import { execFile } from 'node:child_process';
import kafkajs from 'kafkajs';
import { migrateProcessors, type Position } from '#event-store';
import { DEFAULT_TOPICS, EventRelay, KafkajsEventPublisher, toMessages, type GovernanceTopics } from '#messaging';
import type { BenchConfig } from '../config.js';
import { scaled } from '../config.js';
import type { Report } from '../lib/report.js';
import { now, progress, sleep } from '../lib/stats.js';
import type { LogDatabase } from './catchup.js';

/** KAFKA_BROKERS, or the local broker of infra/kafka/kafka.sh (started when needed). */
export async function ensureBroker(): Promise<string[]> {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('bash', ['infra/kafka/kafka.sh', 'start'], { timeout: 600_000, maxBuffer: 16 << 20 }, (error, out, err) =>
      error ? reject(new Error(`infra/kafka/kafka.sh start failed: ${err || error.message}`)) : resolve(out),
    ),
  );
  const line = stdout
    .split('\n')
    .filter((l) => l.startsWith('KAFKA_BROKERS='))
    .pop();
  if (!line) throw new Error('infra/kafka/kafka.sh start printed no KAFKA_BROKERS= line');
  return line.slice('KAFKA_BROKERS='.length).trim().split(',');
}

/**
 * Section 5: our EventRelay (log → checkpointed, idempotent producer) over the first N events of the
 * generated log vs a raw kafkajs `sendBatch` loop of the same messages (same producer settings,
 * same 500-message batches), each into fresh topics.
 */
export async function relayBench(
  report: Report,
  config: BenchConfig,
  log: LogDatabase,
  machine: { kafka: string | null },
): Promise<void> {
  const brokers = await ensureBroker();
  machine.kafka = `local broker ${brokers.join(',')} (infra/kafka/kafka.sh)`;
  const total = Math.min(log.events, scaled(config, 200_000));
  const { db, store } = log.handle;
  await migrateProcessors(db);
  const batchSize = 500;

  // The raw peer publishes exactly the messages the relay builds, prepared before the clock starts.
  const events = [];
  for (let from: Position | undefined; events.length < total;) {
    const page = await store.readAll({ fromPosition: from, maxCount: Math.min(5000, total - events.length) });
    if (page.length === 0) break;
    events.push(...page);
    from = store.parsePosition((BigInt(page[page.length - 1]!.position) + 1n).toString());
  }
  const lastPosition = events[events.length - 1]!.position;

  for (let run = 0; run < config.runs; run++) {
    const tag = `${Date.now()}-${run}`;
    const topics: GovernanceTopics = { events: `bench.events.${tag}`, alerts: `bench.alerts.${tag}` };
    // ours
    {
      const publisher = new KafkajsEventPublisher({ brokers, logLevel: 'error', clientId: 'bench-relay' });
      await publisher.ensureTopics([
        { topic: topics.events, partitions: 6, replicationFactor: 1 },
        { topic: topics.alerts, partitions: 3, replicationFactor: 1 },
      ]);
      const relay = new EventRelay(store, db, publisher, {
        name: `bench-relay-${tag}`,
        topics,
        batchSize,
        probeIntervalMs: 0,
      });
      const tick = progress('relay');
      const t = now();
      relay.start();
      for (;;) {
        const s = relay.snapshot();
        tick(s.published, total);
        if (s.position !== null && store.comparePositions(s.position, lastPosition) >= 0) break;
        if (s.lastError && s.consecutiveFailures > 3) throw new Error(`relay failing: ${s.lastError.message}`);
        await sleep(5);
      }
      const seconds = (now() - t) / 1000;
      await relay.stop();
      await publisher.close();
      const mps = total / seconds;
      process.stderr.write(`  run ${run + 1} ours (EventRelay)     ${mps.toFixed(0).padStart(7)} messages/s\n`);
      report.add('relay.ours', mps, {
        section: '5 Kafka relay',
        label: `relay ${(total / 1000).toFixed(0)}k events: ours (EventRelay)`,
        unit: 'msg/s',
        peer: 'relay.raw',
        goal: { on: 'ratio', min: 0.9, text: '≥ 0.9× raw sendBatch' },
      });
    }
    // raw kafkajs sendBatch loop, same messages
    {
      const kafka = new kafkajs.Kafka({ clientId: 'bench-raw', brokers, logLevel: kafkajs.logLevel.ERROR });
      const admin = kafka.admin();
      await admin.connect();
      const rawTopic = `bench.raw.${tag}`;
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: rawTopic, numPartitions: 6, replicationFactor: 1 }],
      });
      await admin.disconnect();
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      const messages = events.flatMap((e) => toMessages(e, { ...DEFAULT_TOPICS, events: rawTopic }));
      const t = now();
      for (let i = 0; i < messages.length; i += batchSize) {
        const chunk = messages.slice(i, i + batchSize);
        await producer.sendBatch({
          acks: -1,
          topicMessages: [
            { topic: rawTopic, messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) },
          ],
        });
      }
      const seconds = (now() - t) / 1000;
      await producer.disconnect();
      const mps = messages.length / seconds;
      process.stderr.write(`  run ${run + 1} raw kafkajs sendBatch ${mps.toFixed(0).padStart(7)} messages/s\n`);
      report.add('relay.raw', mps, {
        section: '5 Kafka relay',
        label: `relay ${(total / 1000).toFixed(0)}k events: raw kafkajs sendBatch`,
        unit: 'msg/s',
      });
    }
  }
}
