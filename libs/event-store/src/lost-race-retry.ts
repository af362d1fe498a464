import { ConcurrencyError, WriteContentionError } from './errors.js';

/** How long a write keeps deciding again after losing races for its stream. */
export interface LostRaceRetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No attempt starts once this long has passed since the first. */
  maxElapsedMs: number;
  /** The wait after the first lost race is drawn from [0, baseDelayMs); each further loss doubles the range… */
  baseDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
}

/**
 * Measured with 32 writers × 20 writes on one stream through the API on PostgreSQL: every write
 * succeeds. The bound is what keeps a request from waiting for ever on a stream that never quiets.
 */
export const DEFAULT_LOST_RACE_RETRY: LostRaceRetryPolicy = {
  maxAttempts: 100,
  maxElapsedMs: 15_000,
  baseDelayMs: 2,
  maxDelayMs: 250,
};

/**
 * "Full jitter": a uniform wait in [0, min(max, base·2^(lost−1))). Losers of one race draw
 * different waits, so they do not all come back for the next revision at the same moment and
 * lose again together (which is what a retry without a wait does under group commit).
 */
export function fullJitterDelay(lost: number, policy: LostRaceRetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(lost - 1, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt` (load, decide, append with the revision it loaded) until it does not lose a race
 * for `streamId` (a ConcurrencyError). Only for writes whose expected revision the service chose:
 * one the client sent must fail at once, as a 409. Past the policy's bound it gives up with a
 * WriteContentionError, never with the ConcurrencyError of its own last attempt (whose revision the
 * client never sent).
 */
export async function retryLostRaces<T>(
  streamId: string,
  attempt: () => Promise<T>,
  policy: LostRaceRetryPolicy = DEFAULT_LOST_RACE_RETRY,
): Promise<T> {
  const started = Date.now();
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const delay = fullJitterDelay(attempts, policy);
      if (attempts >= policy.maxAttempts || Date.now() - started + delay >= policy.maxElapsedMs) {
        throw new WriteContentionError(streamId, attempts, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
