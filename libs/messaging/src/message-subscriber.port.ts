/**
 * The port consumers read through (kafkajs today). Messages of one partition are handled one at a
 * time, in order; the offset of a message is committed only after `handle` resolved, so a crash
 * redelivers it (at-least-once: handlers drop duplicates by eventId). A `handle` that rejects is
 * retried by the adapter before anything later on that partition is handled.
 */
export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface SubscribeToTopicsOptions {
  /** The consumer group: the group's instances share the partitions and its committed offsets. */
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts: the earliest (true) or only new messages (false). */
  fromBeginning: boolean;
  handle: (message: IncomingMessage) => Promise<void>;
}

export interface TopicSubscription {
  /** Leaves the group after the message in hand was handled (and its offset committed). */
  stop(): Promise<void>;
}

export abstract class MessageSubscriber {
  /** Resolves once the consumer joined the group and started fetching. */
  abstract subscribe(options: SubscribeToTopicsOptions): Promise<TopicSubscription>;
  /** Stops every subscription made through this subscriber. */
  abstract close(): Promise<void>;
}
