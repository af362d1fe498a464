import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '#config';
import { APP_CONFIG, principalOf } from '#platform';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Forget idle principals once the table grows past this, so it cannot grow without bound. */
const SWEEP_ABOVE = 10_000;

interface Window {
  startedAt: number;
  count: number;
}

/**
 * Rate limiting of writes per principal (`sub`), across every write endpoint together, in fixed
 * windows (RATE_LIMIT_WRITES, default 120 a minute); reads are not limited. It runs after the
 * AuthGuard, so the principal is verified. The counts live in this process: behind a load balancer
 * each instance allows the limit.
 *
 * Why not @nestjs/throttler: its 6.x is CommonJS and `require`s the ESM-only @nestjs/common 12.
 * Node 20.19+ allows that, but Jest 30 on Node 20 cannot load it, so no test could start the app.
 */
@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limit = config.writeRateLimit.limit;
    this.windowMs = config.writeRateLimit.windowMs;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (READS.has(request.method) || principal === undefined) return true;

    // Real time, like token expiry: a test's Clock set to 2016 must not stall the limiter.
    const now = Date.now();
    if (this.windows.size > SWEEP_ABOVE) this.sweep(now);
    const key = principal.sub;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    const response = context.switchToHttp().getResponse<Response>();
    const resetSeconds = Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    response.setHeader('RateLimit-Limit', String(this.limit));
    response.setHeader('RateLimit-Remaining', String(Math.max(0, this.limit - window.count)));
    response.setHeader('RateLimit-Reset', String(resetSeconds));
    if (window.count > this.limit) {
      response.setHeader('Retry-After', String(resetSeconds));
      throw new HttpException(
        `Too many writes: one person may make at most ${this.limit} every ${this.windowMs / 1000} s. Try again in ${resetSeconds} s.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
