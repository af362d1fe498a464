/**
 * The port the relay publishes through. The adapter (kafkajs today) must keep the order of messages
 * that share a topic and key, and `publish` must resolve only once the broker acknowledged every
 * message of the batch: the relay moves its checkpoint on that promise (docs/operations.md, "Kafka").
 */
export interface OutgoingMessage {
  topic: string;
  /** Partitioning key: messages with the same key keep their order. */
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
}

export abstract class EventPublisher {
  /**
   * Creates the topics that are missing (idempotent). Existing topics are left as they are: adding
   * partitions later would move keys to other partitions and break the order per key.
   */
  abstract ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Resolves when the broker acknowledged the whole batch; rejects otherwise (nothing can be assumed then). */
  abstract publish(messages: OutgoingMessage[]): Promise<void>;
  /** Resolves when the broker answers (a cheap metadata request); used to notice an outage while idle. */
  abstract probe(): Promise<void>;
  abstract close(): Promise<void>;
}
