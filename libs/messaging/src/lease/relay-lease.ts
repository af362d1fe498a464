import { Logger } from '@nestjs/common';
import { advisoryLockKey, sleep, type SqlDatabase } from '#event-store';

/** Two-key advisory locks, so they cannot collide with the event store's or the projections' ("REL1"). */
const NAMESPACE = 0x52454c31;

export interface RelayLeaseOptions {
  /** How often an instance without the lease tries to take it; default 1 s (the takeover delay). */
  retryMs?: number;
  /** How often the holder checks that its connection (and so its lock) is still alive; default 2 s. */
  heartbeatMs?: number;
}

/**
 * Only one relay of a given name publishes at a time, across processes: two would publish every
 * event twice. The lease is a PostgreSQL advisory lock held by an open transaction on one pooled
 * connection (transaction-scoped, so nothing can leak it): when the holder dies its connection
 * closes and the server releases the lock, and a standby takes it within `retryMs`. The holder stops
 * its relay *before* its transaction ends, so a successor never overlaps a batch in flight; a holder
 * whose connection silently died notices within `heartbeatMs` (the only window for a duplicate,
 * which consumers drop by eventId). The transaction takes a lock only and never writes, so it
 * holds back neither the xmin horizon nor the event store's visibility check.
 *
 * On embedded PGlite (one process owns the database, and a held transaction would block its one
 * connection) the lease is granted at once.
 */
export class RelayLease {
  private readonly logger = new Logger('RelayLease');
  private readonly retryMs: number;
  private readonly heartbeatMs: number;
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  private holding = false;
  private waitingSince: number | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly name: string,
    options: RelayLeaseOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 2000;
  }

  /** True while this instance holds the lease. */
  get held(): boolean {
    return this.holding;
  }

  /**
   * Takes the lease whenever it can and calls `acquired` then; calls (and awaits) `lost` before
   * letting it go, on stop or when its connection fails, then tries again.
   */
  start(acquired: () => void, lost: () => Promise<void>): void {
    if (this.loop) return;
    this.abort = new AbortController();
    if (this.db.kind === 'pglite') {
      this.holding = true;
      acquired();
      this.loop = new Promise<void>((resolve) =>
        this.abort.signal.addEventListener('abort', () => resolve(), { once: true }),
      ).then(async () => {
        await lost();
        this.holding = false;
      });
      return;
    }
    this.loop = this.run(acquired, lost);
  }

  /** Calls `lost` if the lease is held, then releases it. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort.abort();
    await this.loop;
    this.loop = null;
  }

  private async run(acquired: () => void, lost: () => Promise<void>): Promise<void> {
    const signal = this.abort.signal;
    const key = advisoryLockKey(this.name);
    while (!signal.aborted) {
      try {
        await this.db.transaction(async (tx) => {
          const { rows } = await tx.query<{ locked: boolean }>(
            'SELECT pg_try_advisory_xact_lock($1::int, $2::int) AS locked',
            [NAMESPACE, key],
          );
          if (rows[0]?.locked !== true) {
            if (this.waitingSince === null) {
              this.waitingSince = Date.now();
              this.logger.log(`standing by: another instance relays "${this.name}"`);
            }
            return;
          }
          this.waitingSince = null;
          this.holding = true;
          this.logger.log(`holding the lease of "${this.name}": this instance relays`);
          acquired();
          try {
            while (!signal.aborted) {
              await sleep(this.heartbeatMs, signal);
              if (!signal.aborted) await tx.query('SELECT 1');
            }
          } finally {
            // Stopped before the lock goes, so the next holder starts after the last acknowledged batch.
            await lost();
            this.holding = false;
          }
        });
      } catch (error) {
        this.logger.warn(
          `relay lease of "${this.name}": ${(error as Error).message}; trying again in ${this.retryMs} ms`,
        );
      }
      await sleep(this.retryMs, signal);
    }
  }
}
