import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '#config';
import { APP_CONFIG } from '#platform';

/** Forget addresses whose window has ended once the table grows past this, so it cannot grow without bound. */
const SWEEP_ABOVE = 10_000;

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Refused sign-ins (401s) per client address, in fixed windows (RATE_LIMIT_UNAUTHENTICATED, default
 * 30 a minute). An address over the limit gets 429 with Retry-After for every request that needs a
 * token until its window ends, before its token is even looked at: guessing, replaying stolen
 * tokens and making the service fetch an identity provider's keys all cost the caller, not us.
 * Public routes (/health, /metrics) are not limited. The address is the socket's: behind a proxy
 * every client shares the proxy's, so the limit then applies to them together (Express's
 * `trust proxy` is off, so a client cannot choose its address with X-Forwarded-For). The counts
 * live in this process, like the write limit.
 */
@Injectable()
export class FailedSignInLimit {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limit = config.unauthenticatedRateLimit.limit;
    this.windowMs = config.unauthenticatedRateLimit.windowMs;
  }

  /** Throws the 429 (Retry-After set on the response) when this address is over its limit. */
  check(request: Request, response: Response, now = Date.now()): void {
    const window = this.current(addressOf(request), now);
    if (window === undefined || window.failures < this.limit) return;
    const retryAfter = Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    response.setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `Too many requests without a valid token from your address: at most ${this.limit} every ${this.windowMs / 1000} s. Try again in ${retryAfter} s.`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** Counts a refused sign-in against this address. */
  failed(request: Request, now = Date.now()): void {
    if (this.windows.size > SWEEP_ABOVE) this.sweep(now);
    const address = addressOf(request);
    let window = this.current(address, now);
    if (window === undefined) {
      window = { startedAt: now, failures: 0 };
      this.windows.set(address, window);
    }
    window.failures++;
  }

  private current(address: string, now: number): Window | undefined {
    const window = this.windows.get(address);
    return window !== undefined && now - window.startedAt < this.windowMs ? window : undefined;
  }

  private sweep(now: number): void {
    for (const [address, window] of this.windows)
      if (now - window.startedAt >= this.windowMs) this.windows.delete(address);
  }
}

const addressOf = (request: Request): string => request.socket.remoteAddress ?? 'unknown';
