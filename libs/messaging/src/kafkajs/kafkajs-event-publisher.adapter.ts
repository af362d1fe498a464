import { Logger } from '@nestjs/common';
import kafkajs from 'kafkajs';
import type { Kafka as KafkaClient, Producer, TopicMessages } from 'kafkajs';
import { EventPublisher, type OutgoingMessage, type TopicSpec } from '../event-publisher.port.js';
import { createKafkaClient, type KafkaClientOptions } from './kafka-client.js';

const { CompressionTypes, Partitioners } = kafkajs;

export interface KafkajsPublisherOptions extends KafkaClientOptions {
  /** Compression of the record batches; default none. */
  compression?: 'none' | 'gzip';
}

/**
 * EventPublisher over a kafkajs idempotent producer. Idempotence (producer id + sequence numbers)
 * lets the broker drop a batch it already wrote when a request is retried, and one request in
 * flight per broker keeps a retried batch from overtaking the next one, so the order per key holds
 * across retries (kafkajs: "idempotent" requires acks -1; ordering needs maxInFlightRequests 1).
 */
export class KafkajsEventPublisher extends EventPublisher {
  private readonly logger = new Logger('KafkaPublisher');
  private readonly kafka: KafkaClient;
  private producer: Promise<Producer> | null = null;

  constructor(private readonly options: KafkajsPublisherOptions) {
    super();
    this.kafka = createKafkaClient(options);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length > 0) {
        // createTopics answers false (and does not throw) when another instance created one meanwhile.
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.topic,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
          })),
        });
        this.logger.log(`created ${missing.map((t) => `${t.topic} (${t.partitions} partitions)`).join(', ')}`);
      }
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      for (const spec of topics) {
        const found = metadata.topics.find((t) => t.name === spec.topic);
        if (found && found.partitions.length !== spec.partitions) {
          this.logger.warn(
            `${spec.topic} has ${found.partitions.length} partitions, the configuration asks for ${spec.partitions}; ` +
              'left as it is (changing the count moves keys to other partitions and breaks the order per key)',
          );
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    try {
      await producer.sendBatch({
        acks: -1,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        topicMessages: byTopic(messages),
      });
    } catch (error) {
      // kafkajs gave up after its own retries. A fresh producer next time starts from clean
      // connections and metadata; a batch the broker did write but could not acknowledge is then
      // written again (a duplicate, never a loss), which consumers drop by eventId.
      await this.resetProducer();
      throw error;
    }
  }

  async probe(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.resetProducer();
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Bounded so an outage surfaces to the relay (which backs off and reports it) instead of
        // hanging in kafkajs forever; the relay resends the whole batch, so nothing is lost.
        retry: { retries: this.options.retries ?? 3, initialRetryTime: 300, maxRetryTime: 5000 },
      });
      this.producer = producer.connect().then(
        () => producer,
        async (error: unknown) => {
          this.producer = null;
          await producer.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return this.producer;
  }

  private async resetProducer(): Promise<void> {
    const current = this.producer;
    this.producer = null;
    if (!current) return;
    const producer = await current.catch(() => null);
    await producer?.disconnect().catch(() => undefined);
  }
}

/** Groups messages per topic, keeping their order within each topic. */
function byTopic(messages: OutgoingMessage[]): TopicMessages[] {
  const topics = new Map<string, TopicMessages>();
  for (const { topic, key, value, headers } of messages) {
    let entry = topics.get(topic);
    if (!entry) topics.set(topic, (entry = { topic, messages: [] }));
    entry.messages.push({ key, value, headers });
  }
  return [...topics.values()];
}
