import type { Position, StoredEvent, Subscription, SubscriptionHandler } from './event-store.port.js';

export interface SubscriptionSource {
  /** Up to `limit` events with a position after `after` (null: from the start), in position order. */
  readAfter(after: Position | null, limit: number): Promise<StoredEvent[]>;
  compare(a: Position, b: Position): number;
}

export interface PollingSubscriptionOptions {
  after: Position | null;
  batchSize: number;
  /** The longest wait for new events when no wake-up comes (a lost NOTIFY, another writer). */
  pollIntervalMs: number;
  /** Consecutive failed reads tolerated (with backoff) before the subscription gives up. */
  maxReadAttempts?: number;
}

/**
 * A catch-up subscription: reads pages after the last delivered position until a short page,
 * then sleeps until `wake()` or the poll interval. Reading strictly after the last delivered
 * position is only safe because the source's positions become visible in order (see the SQL
 * adapter's append lock).
 */
export class PollingSubscription implements Subscription {
  readonly done: Promise<void>;
  private last: Position | null;
  private stopped = false;
  private signalled = false;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly handler: SubscriptionHandler,
    private readonly options: PollingSubscriptionOptions,
  ) {
    this.last = options.after;
    this.done = this.run();
    // `done` may legitimately never be awaited (a subscriber that only calls stop()).
    this.done.catch(() => undefined);
  }

  /** New events may exist: read now instead of at the next poll. */
  wake(): void {
    this.signalled = true;
    this.interruptSleep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interruptSleep();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { batchSize, pollIntervalMs } = this.options;
    // While catching up (full pages), the next page is read while the handler works on this one.
    // It is read after this page's last position, which is where the loop would read next anyway,
    // so the order and the no-skip argument are unchanged; a handler failure discards it.
    let next: Promise<StoredEvent[]> | null = null;
    while (!this.stopped) {
      this.signalled = false;
      const page = await (next ?? this.read(this.last));
      next = null;
      if (this.stopped) return;
      const last = this.last;
      const fresh = last === null ? page : page.filter((e) => this.source.compare(e.position, last) > 0);
      const newest = fresh.at(-1);
      if (page.length >= batchSize && newest) {
        next = this.read(newest.position);
        next.catch(() => undefined);
      }
      if (newest) {
        await this.handler(fresh);
        this.last = newest.position;
      }
      if (page.length < batchSize && !this.signalled) await this.sleep(pollIntervalMs);
    }
  }

  private async read(after: Position | null): Promise<StoredEvent[]> {
    const maxAttempts = this.options.maxReadAttempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.source.readAfter(after, this.options.batchSize);
      } catch (error) {
        if (this.stopped) return [];
        if (attempt >= maxAttempts) throw error;
        await this.sleep(Math.min(100 * 2 ** attempt, 5000));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = null;
        resolve();
      }, ms);
      this.sleeper = { timer, resolve };
    });
  }

  private interruptSleep(): void {
    const sleeper = this.sleeper;
    if (!sleeper) return;
    this.sleeper = null;
    clearTimeout(sleeper.timer);
    sleeper.resolve();
  }
}
