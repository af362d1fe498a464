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
