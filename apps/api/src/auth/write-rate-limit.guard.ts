import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '#config';
import { APP_CONFIG, principalOf } from '#platform';
import { RateLimitWindows, type WindowCount } from './rate-limit-windows.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Rate limiting of writes per principal (`sub`), across every write endpoint together, in fixed
 * windows (RATE_LIMIT_WRITES, default 120 a minute); reads are not limited. It runs after the
 * AuthGuard, so the principal is verified. The counts live in the database (RateLimitWindows), so
 * the limit holds for all instances on one database together.
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
  ) {
    this.limit = config.writeRateLimit.limit;
    this.windowMs = config.writeRateLimit.windowMs;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (READS.has(request.method) || principal === undefined) return true;

    let window: WindowCount;
    try {
      window = await this.windows.hit('writes', principal.sub, this.windowMs);
    } catch (error) {
      this.windows.failedOpen('write limit not counted, write let through', error);
      return true;
    }
    const response = context.switchToHttp().getResponse<Response>();
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
