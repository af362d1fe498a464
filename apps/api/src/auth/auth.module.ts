import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '#config';
import { APP_CONFIG, TokenVerifier } from '#platform';
import { AuthGuard } from './auth.guard.js';
import { FailedSignInLimit } from './failed-sign-in-limit.js';
import { PublicReadLimitGuard } from './public-read-limit.guard.js';
import { RateLimitWindows } from './rate-limit-windows.js';
import { WriteAccess } from './write-access.js';
import { WriteRateLimitGuard } from './write-rate-limit.guard.js';

/**
 * Authentication (bearer JWT, refused sign-ins limited per address), authorisation (the write
 * policy), rate limiting of writes and of public reads without a token, as global guards in that order: the
 * write limit counts per verified principal, the public read limit per address. Both limits count in the database, shared by every instance.
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
    { provide: APP_GUARD, useClass: PublicReadLimitGuard },
  ],
})
export class AuthModule {}
