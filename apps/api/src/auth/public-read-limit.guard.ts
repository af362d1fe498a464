import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { AppConfig } from '#config';
import { APP_CONFIG, principalOf, PUBLIC_READ_LIMITED } from '#platform';
import { RateLimitWindows, type WindowCount } from './rate-limit-windows.js';

/**
 * Reads of the public register (@PublicRead routes) without a valid token, per client address, in fixed
 * windows (RATE_LIMIT_PUBLIC, default 60 a minute). Anyone may read the register, so the limit is what
 * stops one address from scraping it in a loop or loading the database; a signed-in reader is not counted.
 * It runs after the AuthGuard, which has read the optional token. The address is the socket's, as for
 * refused sign-ins (failed-sign-in-limit.ts). A count that cannot be taken lets the read through (fail
 * open), as the other limits do: the read needs the same database anyway.
 */
@Injectable()
export class PublicReadLimitGuard implements CanActivate {
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly reflector: Reflector,
    private readonly windows: RateLimitWindows,
  ) {
    this.limit = config.publicReadRateLimit.limit;
    this.windowMs = config.publicReadRateLimit.windowMs;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (!this.reflector.getAllAndOverride<boolean>(PUBLIC_READ_LIMITED, targets)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (principalOf(request) !== undefined) return true;

    let window: WindowCount;
    try {
      window = await this.windows.hit('public-reads', request.socket.remoteAddress ?? 'unknown', this.windowMs);
    } catch (error) {
      this.windows.failedOpen('public read not counted, read let through', error);
      return true;
    }
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('RateLimit-Limit', String(this.limit));
    response.setHeader('RateLimit-Remaining', String(Math.max(0, this.limit - window.count)));
    response.setHeader('RateLimit-Reset', String(window.resetSeconds));
    if (window.count > this.limit) {
      response.setHeader('Retry-After', String(window.resetSeconds));
      throw new HttpException(
        `Too many reads of the public register from your address: at most ${this.limit} every ${this.windowMs / 1000} s without signing in. Try again in ${window.resetSeconds} s.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }
}
