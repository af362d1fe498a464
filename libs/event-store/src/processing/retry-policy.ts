/**
 * The one retry and back-off of every log processor (docs/architecture.md, "The log processor"):
 * a failing item is tried `maxAttempts` times, `backoffDelay` apart, and then parked (a projection)
 * or left to a later pass (the compliance trigger's clock tick); a failure of the database rather
 * than of the item (`isTransientDatabaseError`) is never parked: the processor resubscribes from its
 * checkpoint after `restartDelayMs`.
 */
export interface RetryPolicy {
  /** Tries of a failing item before it is parked or given up. Default 3. */
  maxAttempts: number;
  /** Back-off before the second try, doubled for each further one. Default 200 ms. */
  retryDelayMs: number;
  /** Wait before resubscribing after the subscription failed (database gone). Default 2 s. */
  restartDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { maxAttempts: 3, retryDelayMs: 200, restartDelayMs: 2000 };

export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  initialMs: number;
  /** The cap, in ms. */
  maxMs: number;
}

/** Exponential backoff with a cap: initial, 2×initial, 4×initial, ... ≤ max. `attempt` counts from 1. */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(initialMs * 2 ** exponent, maxMs);
}

/** The wait after the `attempt`-th failed try of an item under `policy` (uncapped within its few tries). */
export const retryDelay = (attempt: number, policy: Pick<RetryPolicy, 'retryDelayMs'>): number =>
  backoffDelay(attempt, { initialMs: policy.retryDelayMs, maxMs: Number.MAX_SAFE_INTEGER });

/** Waits `ms`, or less if `signal` aborts first (it resolves then too: the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A delay that `wake()` cuts short, so stopping never waits out a back-off. */
export class Sleeper {
  private wakers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** SQLSTATE classes that say nothing about the event: connection, rollback (serialisation, deadlock), resources, operator, system. */
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)/;

/**
 * True when a failure is the database's, not the event's: the batch is retried from the
 * checkpoint later instead of the event being parked (a database restart must not park events).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE.test(code);
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNRESET, ECONNREFUSED, EPIPE, ...
  return (
    error instanceof Error &&
    /connection terminated|connection ended|not queryable|is closed|timeout exceeded when trying to connect/i.test(
      error.message,
    )
  );
}

export type RetryOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown; attempts: number };

/**
 * Tries one item under the policy: up to `maxAttempts` times, `retryDelay` apart. A failure that
 * `rethrow` claims (the database's, a stop, a lock lost) leaves at once; the last failure of an item
 * that kept failing is returned, for the caller to park it or leave it to a later pass.
 */
export async function retryItem<T>(
  attempt: () => Promise<T>,
  options: Pick<RetryPolicy, 'maxAttempts' | 'retryDelayMs'> & {
    sleep: (ms: number) => Promise<void>;
    rethrow?: (error: unknown) => boolean;
    /** Checked before each try and after each failure: true gives up with the last failure. */
    stopped?: () => boolean;
  },
): Promise<RetryOutcome<T>> {
  const rethrow = options.rethrow ?? isTransientDatabaseError;
  let lastError: unknown = new Error('no attempt was made');
  let tries = 0;
  while (tries < options.maxAttempts && !options.stopped?.()) {
    tries++;
    try {
      return { ok: true, value: await attempt() };
    } catch (error) {
      if (rethrow(error)) throw error;
      lastError = error;
      if (tries < options.maxAttempts && !options.stopped?.()) await options.sleep(retryDelay(tries, options));
    }
  }
  return { ok: false, error: lastError, attempts: tries };
}
