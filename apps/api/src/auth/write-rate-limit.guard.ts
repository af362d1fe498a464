import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '#config';
import { APP_CONFIG, principalOf } from '#platform';
import { addressOf, FailedSignInLimit } from './failed-sign-in-limit.js';
import { RateLimitWindows, type WindowCount } from './rate-limit-windows.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Rate limiting of writes per principal (`sub`), across every write endpoint together, in fixed
 * windows (RATE_LIMIT_WRITES, default 120 a minute); reads are not limited. It runs after the
 * AuthGuard, so the principal is verified. The counts live in the database (RateLimitWindows), so
 * the limit holds for all instances on one database together. When the refused-sign-in check of the
 * request was left to it (FailedSignInLimit.deferCheck), it is made in the same statement, and a write
 * from a blocked address is refused 429 without being counted.
 *
 * When the count cannot be taken the write goes ahead (fail open), with a warning: the principal is
 * verified and the write policy has allowed it, and the write itself needs the same database, so a
 * database that is really down still refuses it with the store's 503. Failing closed would turn a
 * hiccup of this table into refused writes for everyone (docs/operations.md, "Several instances").
 *
 * Why not @nestjs/throttler: its 6.x is CommonJS and `require`s the ESM-only @nestjs/common 12.
 * Node 20.19+ allows that, but Jest 30 on Node 20 cannot load it, so no test could start the app.
 */
@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly windows: RateLimitWindows,
    private readonly failedSignIns: FailedSignInLimit,
  ) {
    this.limit = config.writeRateLimit.limit;
    this.windowMs = config.writeRateLimit.windowMs;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (READS.has(request.method) || principal === undefined) return true;

    const response = context.switchToHttp().getResponse<Response>();
    let window: WindowCount;
    try {
      if (this.failedSignIns.takeDeferred(request)) {
        // The address's refused sign-ins, read in the statement that counts the write (failed-sign-in-limit.ts).
        const outcome = await this.windows.hitUnless('writes', principal.sub, this.windowMs, {
          scope: 'failed-sign-ins',
          key: addressOf(request),
          limit: this.failedSignIns.limit,
        });
        if ('blocked' in outcome) this.failedSignIns.refuse(outcome.blocked, response);
        window = outcome.counted;
      } else {
        window = await this.windows.hit('writes', principal.sub, this.windowMs);
      }
    } catch (error) {
      if (error instanceof HttpException) throw error;
      this.windows.failedOpen('write limit not counted, write let through', error);
      return true;
    }
    response.setHeader('RateLimit-Limit', String(this.limit));
    response.setHeader('RateLimit-Remaining', String(Math.max(0, this.limit - window.count)));
    response.setHeader('RateLimit-Reset', String(window.resetSeconds));
    if (window.count > this.limit) {
      response.setHeader('Retry-After', String(window.resetSeconds));
      throw new HttpException(
        `Too many writes: one person may make at most ${this.limit} every ${this.windowMs / 1000} s. Try again in ${window.resetSeconds} s.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }
}
