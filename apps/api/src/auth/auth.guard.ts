import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  AccessDeniedError,
  AuthenticationError,
  type Principal,
  PUBLIC_ROUTE,
  READS_OPTIONAL_TOKEN,
  setPrincipal,
  TokenVerifier,
  WRITE_TARGET,
  type WriteTargetSpec,
} from '#platform';
import { FailedSignInLimit } from './failed-sign-in-limit.js';
import { WriteAccess } from './write-access.js';
import { decideRead, decideWrite } from './write-policy.js';

const READS = new Set(['GET', 'HEAD']);
/** Methods past the read path that the write limit does not count (write-rate-limit.guard.ts). */
const UNCOUNTED_WRITES = new Set(['OPTIONS']);
/** RFC 6750 §2.1: `Bearer` then the token (base64url parts separated by dots). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
/** Far above any real token, far below what would cost anything to refuse. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * Every route but the @Public ones needs a verified bearer token (401 otherwise). Reads are open to
 * every role; a write is allowed or refused (403) by the write policy on what its @Writes target is
 * now. A write route that declares no target is refused to everyone: closed unless opened.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly access: WriteAccess,
    private readonly failedSignIns: FailedSignInLimit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      if (this.reflector.getAllAndOverride<boolean>(READS_OPTIONAL_TOKEN, targets)) {
        await this.readOptionalToken(request);
      }
      return true;
    }

    const response = context.switchToHttp().getResponse<Response>();
    // With a local verifier the refused-sign-in check follows the signature (failed-sign-in-limit.ts), so a
    // write can take it in the statement that counts the write; otherwise it precedes the token.
    const checkFirst = !this.verifier.verifiesLocally;
    if (checkFirst) await this.failedSignIns.check(request, response);
    let principal: Principal;
    try {
      principal = await this.authenticate(request);
    } catch (error) {
      if (error instanceof AuthenticationError) await this.failedSignIns.failed(request, response);
      throw error;
    }
    setPrincipal(request, principal);

    if (READS.has(request.method)) {
      if (!checkFirst) await this.failedSignIns.check(request, response);
      const read = decideRead(principal);
      if (!read.allowed) throw new AccessDeniedError(read.reason);
      return true;
    }
    // Left to the write limit when it counts this request (not OPTIONS); checked here before any refusal,
    // so a blocked address hears 429 and not what the policy thinks of its token.
    const deferred = !checkFirst && !UNCOUNTED_WRITES.has(request.method);
    if (!checkFirst && !deferred) await this.failedSignIns.check(request, response);
    try {
      const spec = this.reflector.get<WriteTargetSpec | undefined>(WRITE_TARGET, context.getHandler());
      if (!spec) throw new AccessDeniedError('This operation is not open to any role.');
      const target = await this.access.resolve(spec, request);
      const nameOf = principal.force === null ? (s: string) => s : await this.forceNamer(principal.force);
      const write = decideWrite(principal, target, nameOf);
      if (!write.allowed) throw new AccessDeniedError(write.reason);
    } catch (error) {
      if (deferred) await this.failedSignIns.check(request, response);
      throw error;
    }
    if (deferred) this.failedSignIns.deferCheck(request);
    return true;
  }

  private async authenticate(request: Request): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw new AuthenticationError(
        'Sign in: send a bearer token in the Authorization header (Authorization: Bearer <token>).',
        null,
      );
    }
    const match = header.length <= MAX_TOKEN_LENGTH ? BEARER.exec(header) : null;
    if (!match) throw new AuthenticationError('The Authorization header must be "Bearer <token>".', 'invalid_request');
    return this.verifier.verify(match[1] as string);
  }

  private async readOptionalToken(request: Request): Promise<void> {
    const header = request.headers.authorization ?? '';
    const match = header.length <= MAX_TOKEN_LENGTH ? BEARER.exec(header) : null;
    if (!match) return;
    try {
      setPrincipal(request, await this.verifier.verify(match[1] as string));
    } catch {
      // Answered as to anyone: a load balancer's probe must not fail on a stale token.
    }
  }

  private async forceNamer(force: string): Promise<(slug: string) => string> {
    const name = await this.access.bodyName(force);
    return (slug) => (slug === force ? name : slug);
  }
}
