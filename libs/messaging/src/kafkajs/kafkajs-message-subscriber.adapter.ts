import { Logger } from '@nestjs/common';
import type { Consumer, IHeaders, Kafka as KafkaClient } from 'kafkajs';
import {
  MessageSubscriber,
  type IncomingMessage,
  type SubscribeToTopicsOptions,
  type TopicSubscription,
} from '../message-subscriber.port.js';
import { createKafkaClient, type KafkaClientOptions } from './kafka-client.js';

export interface KafkajsSubscriberOptions extends KafkaClientOptions {
  /** Default 30000 ms. */
  sessionTimeoutMs?: number;
  /** Default 3000 ms. */
  heartbeatIntervalMs?: number;
  /** How long a fetch waits for new messages; default 500 ms. */
  maxWaitTimeMs?: number;
}

/**
 * MessageSubscriber over kafkajs consumer groups. `eachMessage` with auto-commit: kafkajs marks a
 * message's offset for commit only after `eachMessage` resolved, and when it rejects it retries it
 * (then restarts the consumer) before reading on, so a failure never skips a message.
 */
export class KafkajsMessageSubscriber extends MessageSubscriber {
  private readonly logger = new Logger('KafkaSubscriber');
  private readonly kafka: KafkaClient;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly options: KafkajsSubscriberOptions) {
    super();
    this.kafka = createKafkaClient(options);
  }

  async subscribe({ groupId, topics, fromBeginning, handle }: SubscribeToTopicsOptions): Promise<TopicSubscription> {
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3000,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 500,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 30_000, restartOnFailure: () => Promise.resolve(true) },
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.warn(`consumer ${groupId} crashed (${payload.error.message}); restart: ${payload.restart}`);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning });
      await consumer.run({
        autoCommit: true,
        eachMessage: async ({ topic, partition, message }) => {
          const incoming: IncomingMessage = {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
            headers: decodeHeaders(message.headers),
          };
          await handle(incoming);
        },
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.consumers.add(consumer);
    return {
      stop: async () => {
        if (!this.consumers.delete(consumer)) return;
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  }
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) decoded[name] = first.toString();
  }
  return decoded;
}
