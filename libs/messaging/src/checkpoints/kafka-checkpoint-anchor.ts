import type { KeyObject } from 'node:crypto';
import { CheckpointAnchor, toReceipt, type CheckpointRecord } from '#event-store';
import { EventPublisher } from '../event-publisher.port.js';

export const DEFAULT_CHECKPOINT_TOPIC = 'governance.checkpoints';

/**
 * Publishes each checkpoint to a Kafka topic as its receipt (the signed head, without entries), so
 * a copy of every signed head lives on the brokers, out of reach of someone who can only write the
 * database. One partition, key = key id: the topic reads in checkpoint order.
 */
export class KafkaCheckpointAnchor extends CheckpointAnchor {
  readonly name: string;
  private topicReady = false;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly publicKey: KeyObject,
    readonly topic: string = DEFAULT_CHECKPOINT_TOPIC,
    private readonly replicationFactor = 1,
  ) {
    super();
    this.name = `kafka:${topic}`;
  }

  async publish(records: readonly CheckpointRecord[]): Promise<void> {
    if (!this.topicReady) {
      await this.publisher.ensureTopics([
        { topic: this.topic, partitions: 1, replicationFactor: this.replicationFactor },
      ]);
      this.topicReady = true;
    }
    await this.publisher.publish(
      records.map((record) => ({
        topic: this.topic,
        key: record.keyId,
        value: JSON.stringify(toReceipt(record, this.publicKey)),
        headers: { position: record.position, keyId: record.keyId },
      })),
    );
  }
}
