import { advanceCheckpoint, readCheckpoint, type Position, type SqlExecutor } from '#event-store';

/**
 * Where each relay has got to in the global log: the position of the last event the broker
 * acknowledged, its row (kind `relay`) in the log processor's `processor_checkpoints`.
 */
export class RelayCheckpoints {
  constructor(private readonly db: SqlExecutor) {}

  /** The last acknowledged position, or null when the relay has published nothing yet. */
  async load(name: string): Promise<Position | null> {
    return (await readCheckpoint(this.db, name))?.position ?? null;
  }

  /**
   * Moves the checkpoint forward, never back: a second relay instance that lags behind (during a
   * deployment, say) cannot rewind it and cause a mass republish.
   *
   * Committed without waiting for the WAL flush: the relay writes one per broker batch, and a
   * checkpoint lost in a database crash only makes the relay publish those events again (at least
   * once, as after any crash), never skip one. The events themselves are committed durably by the store.
   */
  async save(name: string, position: Position): Promise<void> {
    await advanceCheckpoint(this.db, { name, kind: 'relay' }, position, { asynchronousCommit: true });
  }
}

export interface CheckpointWriterOptions {
  /**
   * The least time between two writes: the first acknowledgement after a quiet spell is written at
   * once, later ones are folded into one write when the interval is up. 0 writes after every
   * acknowledged batch (still off the publish path, one write at a time).
   */
  intervalMs: number;
  /** Told of each position once it is written, with the events it covers. */
  written(position: Position, events: number): void;
  /** Told of a failed write made in the background (the position stays pending for the next try). */
  failed(error: unknown): void;
}

/**
 * The relay's checkpoint, written behind the publishing (issue 17): the relay hands over each
 * position the broker acknowledged, in log order, and goes on publishing; this writes the newest one
 * at most once per `intervalMs`, one write at a time. The row therefore never runs ahead of an
 * acknowledgement; it may lag behind by what was acknowledged in the last interval (plus the write in
 * flight), which a restart after a crash publishes again (at least once). `flush` writes what is
 * pending and waits, so a stop, a lease handover and a restart after a failure resume from the
 * newest acknowledged position.
 */
export class CheckpointWriter {
  private pending: { position: Position; events: number } | null = null;
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private urgent = false;

  constructor(
    private readonly checkpoints: Pick<RelayCheckpoints, 'save'>,
    private readonly name: string,
    private readonly options: CheckpointWriterOptions,
  ) {}

  /** True while an acknowledged position is not yet written. */
  get dirty(): boolean {
    return this.pending !== null || this.writing !== null;
  }

  /**
   * The broker acknowledged up to `position` (`events` more events): to be written within the
   * interval, or as soon as the write in flight is done when `now` (the relay has caught up, so no
   * later acknowledgement would share the write).
   */
  acknowledged(position: Position, events: number, now = false): void {
    this.pending = { position, events: (this.pending?.events ?? 0) + events };
    if (now) this.clearTimer();
    this.urgent ||= now;
    this.schedule();
  }

  /** Writes the pending position now (after the write in flight) and waits; rejects when the write fails. */
  async flush(): Promise<void> {
    this.clearTimer();
    for (;;) {
      while (this.writing) await this.writing;
      const pending = this.pending;
      if (!pending) return;
      this.pending = null;
      const write = this.save(pending);
      // Registered as the write in flight, so no background write runs beside it (positions stay in order).
      this.writing = write.then(
        () => undefined,
        () => undefined,
      );
      try {
        await write;
      } catch (error) {
        this.keep(pending);
        throw error;
      } finally {
        this.writing = null;
      }
    }
  }

  /** Drops the timer (the pending position, if any, stays for a later flush). */
  close(): void {
    this.clearTimer();
  }

  private schedule(): void {
    if (this.writing || this.timer || !this.pending) return;
    const wait = this.urgent ? 0 : this.lastWriteAt + this.options.intervalMs - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.writeInBackground();
      }, wait);
      this.timer.unref();
    } else {
      this.writeInBackground();
    }
  }

  private writeInBackground(): void {
    const pending = this.pending;
    if (this.writing || !pending) return;
    this.pending = null;
    const write = this.save(pending).then(
      () => {
        this.writing = null;
        this.schedule();
      },
      (error: unknown) => {
        this.writing = null;
        this.keep(pending);
        this.options.failed(error);
      },
    );
    this.writing = write;
  }

  private async save(pending: { position: Position; events: number }): Promise<void> {
    this.lastWriteAt = Date.now();
    this.urgent = false;
    await this.checkpoints.save(this.name, pending.position);
    this.options.written(pending.position, pending.events);
  }

  /** Puts a position whose write failed back, under any newer one acknowledged meanwhile. */
  private keep(failed: { position: Position; events: number }): void {
    this.pending = this.pending
      ? { position: this.pending.position, events: this.pending.events + failed.events }
      : failed;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
