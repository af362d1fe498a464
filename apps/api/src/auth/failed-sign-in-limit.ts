import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '#config';
import { APP_CONFIG } from '#platform';
import { RateLimitWindows, type WindowCount } from './rate-limit-windows.js';

/**
 * Refused sign-ins (401s) per client address, in fixed windows (RATE_LIMIT_UNAUTHENTICATED, default
 * 30 a minute). An address over the limit gets 429 with Retry-After for every request that needs a
 * token until its window ends, before its token is even looked at: guessing, replaying stolen
 * tokens and making the service fetch an identity provider's keys all cost the caller, not us.
 * Public routes (/health, /metrics) are not limited. The address is the socket's: behind a proxy
 * every client shares the proxy's, so the limit then applies to them together (Express's
 * `trust proxy` is off, so a client cannot choose its address with X-Forwarded-For). The counts
 * live in the database, like the write limit, and a failure to read or count them lets the request
 * go on to token verification (fail open), which still refuses a bad token.
 *
 * When tokens are verified here alone (HS256: a hash, no identity provider to fetch keys from), the
 * check comes after the signature instead of before it, so that a write reads the address's window in
 * the same statement that counts the write (`WriteRateLimitGuard`, `RateLimitWindows.hitUnless`); the
 * answer is still 429 for a blocked address whatever its token, good or bad, so guessing learns nothing.
 * With AUTH_JWKS_URL the check stays before the token is looked at, as verifying may fetch keys.
 */
@Injectable()
export class FailedSignInLimit {
  readonly limit: number;
  private readonly windowMs: number;
  /** Requests whose check was left to the write limit's statement (deferCheck). */
  private readonly deferred = new WeakSet<Request>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly windows: RateLimitWindows,
  ) {
    this.limit = config.unauthenticatedRateLimit.limit;
    this.windowMs = config.unauthenticatedRateLimit.windowMs;
  }

  /** Throws the 429 (Retry-After set on the response) when this address is over its limit. */
  async check(request: Request, response: Response): Promise<void> {
    let window;
    try {
      window = await this.windows.current('failed-sign-ins', addressOf(request));
    } catch (error) {
      this.windows.failedOpen('refused sign-ins not read, request let through', error);
      return;
    }
    if (window !== null && window.count >= this.limit) this.refuse(window, response);
  }

  /**
   * Counts a refused sign-in against this address; throws the 429 when that count is over the limit
   * (an address already over it whose check came after the signature), so the caller answers 401 only below it.
   */
  async failed(request: Request, response: Response): Promise<void> {
    let window;
    try {
      window = await this.windows.hit('failed-sign-ins', addressOf(request), this.windowMs);
    } catch (error) {
      this.windows.failedOpen('refused sign-in not counted', error);
      return;
    }
    if (window.count > this.limit) this.refuse(window, response);
  }

  /** Leaves this request's check to the statement that counts its write (WriteRateLimitGuard). */
  deferCheck(request: Request): void {
    this.deferred.add(request);
  }

  /** Whether the write limit must check this request's address (and clears that). */
  takeDeferred(request: Request): boolean {
    return this.deferred.delete(request);
  }

  /** Throws the 429 for an address whose window has reached the limit. */
  refuse(window: WindowCount, response: Response): never {
    response.setHeader('Retry-After', String(window.resetSeconds));
    throw new HttpException(
      `Too many requests without a valid token from your address: at most ${this.limit} every ${this.windowMs / 1000} s. Try again in ${window.resetSeconds} s.`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

export const addressOf = (request: Request): string => request.socket.remoteAddress ?? 'unknown';
