import { backoffDelay, sleep, type BackoffOptions } from '#event-store';

export interface WebhookSenderOptions {
  /** Tries per URL, the first included; default 5. */
  attempts?: number;
  /** Delays between tries; default 1 s doubling up to 30 s. */
  backoff?: BackoffOptions;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Default the global fetch. */
  fetch?: typeof fetch;
}

export interface DeliveryOutcome {
  /** Origin of the webhook only: the full URL may carry a secret token. */
  target: string;
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last answer, if there was one. */
  status: number | null;
  error: string | null;
}

/** Answers worth trying again: timeouts, throttling and server errors. Other 4xx will not get better. */
const RETRYABLE_STATUS = (status: number): boolean =>
  status === 408 || status === 425 || status === 429 || status >= 500;

/** POSTs JSON to a webhook, retrying with backoff; never throws (the outcome says what happened). */
export class WebhookSender {
  private readonly attempts: number;
  private readonly backoff: BackoffOptions;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: WebhookSenderOptions = {}) {
    this.attempts = options.attempts ?? 5;
    this.backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? fetch;
  }

  async deliver(url: string, body: unknown, idempotencyKey: string): Promise<DeliveryOutcome> {
    const target = originOf(url);
    let status: number | null = null;
    let error: string | null = null;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(attempt - 1, this.backoff));
      try {
        const response = await this.fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'governance-tracker-alert-notifier',
            // Receivers can drop a redelivery (after a crash) by this key.
            'idempotency-key': idempotencyKey,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return { target, delivered: true, attempts: attempt, status, error: null };
        error = `HTTP ${response.status}`;
        if (!RETRYABLE_STATUS(response.status)) return { target, delivered: false, attempts: attempt, status, error };
      } catch (failure) {
        status = null;
        error = failure instanceof Error ? failure.message : String(failure);
      }
    }
    return { target, delivered: false, attempts: this.attempts, status, error };
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
