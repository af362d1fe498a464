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
