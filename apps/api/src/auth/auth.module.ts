import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '#config';
import { APP_CONFIG, TokenVerifier } from '#platform';
import { AuthGuard } from './auth.guard.js';
import { FailedSignInLimit } from './failed-sign-in-limit.js';
import { RateLimitWindows } from './rate-limit-windows.js';
import { WriteAccess } from './write-access.js';
import { WriteRateLimitGuard } from './write-rate-limit.guard.js';

/**
 * Authentication (bearer JWT, refused sign-ins limited per address), authorisation (the write
 * policy) and rate limiting of writes, as global guards in that order: the write limit counts per
 * verified principal. Both limits count in the database, shared by every instance.
 */
@Module({
  providers: [
    {
      provide: TokenVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => TokenVerifier.create(config.auth),
    },
    WriteAccess,
    RateLimitWindows,
    FailedSignInLimit,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: WriteRateLimitGuard },
  ],
})
export class AuthModule {}
