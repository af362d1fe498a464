import type { EventStore, Position, StoredEvent, Subscription } from '../event-store.port.js';

export interface FollowLogOptions {
  store: Pick<EventStore, 'subscribe'>;
  /** Events per subscription batch. */
  batchSize: number;
  /** Where to follow from, read afresh before each subscription (the committed checkpoint; null: the start). */
  from(): Promise<Position | null>;
  /** One batch; a throw ends the subscription and goes to `failed`. */
  handle(events: StoredEvent[]): Promise<void>;
  /**
   * What to do after a failure (of `from`, of `handle` or of the subscription): the wait in ms before
   * following again from the checkpoint, or 'stop' to end for good.
   */
  failed(error: unknown): Promise<number | 'stop'> | number | 'stop';
  /** Told of each new subscription (to stop it) and of its end (null). */
  subscribed?(subscription: Subscription | null): void;
  stopped(): boolean;
  /** A wait that a stop cuts short. */
  sleep(ms: number): Promise<void>;
}

/**
 * The one restart loop of the log processors (docs/architecture.md, "The log processor"): subscribe
 * after the checkpoint, hand each batch over, and after any failure wait as the processor says and
 * subscribe again from the checkpoint, so a batch is never skipped and no later batch overtakes one
 * that failed. Resolves when stopped, or when `failed` says 'stop'.
 */
export async function followLog(options: FollowLogOptions): Promise<void> {
  while (!options.stopped()) {
    try {
      const after = await options.from();
      if (options.stopped()) break;
      const subscription = options.store.subscribe((events) => options.handle(events), {
        after,
        batchSize: options.batchSize,
      });
      options.subscribed?.(subscription);
      if (options.stopped()) await subscription.stop();
      // Resolves only when stopped; rejects when a batch failed.
      await subscription.done;
    } catch (error) {
      if (options.stopped()) break;
      const next = await options.failed(error);
      if (next === 'stop') return;
      if (next > 0) await options.sleep(next);
    } finally {
      options.subscribed?.(null);
    }
  }
}
