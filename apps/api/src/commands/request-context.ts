import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { actorText } from '#event-store';
import {
  actorOf,
  AuthenticationError,
  CORRELATION_ID,
  type Principal,
  principalOf,
  RequestValidationError,
} from '#platform';
import type { CommandContext } from '#application';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The key as stored: a digest of who sent it and what they sent, so keys are one namespace per
 * principal (`iss`, `sub`). Two people who both pick `retry-1` never meet, and no request can take
 * a key the seed importer uses (`agreement:…`), which are stored as they are.
 */
export function scopedIdempotencyKey(principal: Principal, key: string): string {
  return `principal:${createHash('sha256')
    .update(JSON.stringify([principal.issuer, principal.sub, key]))
    .digest('base64url')}`;
}

/**
 * The part of a command's context that comes from the request: who records it (the principal the
 * AuthGuard verified, never the body or a header), the correlation id, and the Idempotency-Key (scoped
 * to the principal) with a fingerprint of the request so the same key cannot be replayed against a different request.
 */
export function commandContextOf(request: Request, expectedRevision?: number): CommandContext {
  const principal = principalOf(request);
  // The AuthGuard runs before every write; without a principal the route was wrongly made public.
  if (!principal) throw new AuthenticationError('Sign in: send a bearer token in the Authorization header.', null);
  const actor = actorText(actorOf(principal));
  const problems = [];

  const key = header(request, 'Idempotency-Key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    problems.push({
      field: 'Idempotency-Key',
      rule: 'format',
      message: 'Idempotency-Key must be 1 to 200 visible ASCII characters.',
    });
  }
  const correlation = header(request, 'X-Correlation-Id');
  if (correlation !== undefined && !CORRELATION_ID.test(correlation)) {
    problems.push({
      field: 'X-Correlation-Id',
      rule: 'format',
      message: 'X-Correlation-Id must be 1 to 100 letters, digits or . _ : -',
    });
  }
  if (problems.length > 0) throw new RequestValidationError(problems, 'header');

  const fingerprint = createHash('sha256')
    .update(JSON.stringify([request.method, request.originalUrl.split('?')[0], actor, request.body ?? null]))
    .digest('hex');
  // One id per request: the one the request log line carries (pino-http's genReqId: the caller's
  // X-Correlation-Id, or a new UUID echoed back in that header).
  const requestId = (request as { id?: unknown }).id;
  return {
    actor,
    correlationId: correlation ?? (typeof requestId === 'string' ? requestId : randomUUID()),
    expectedRevision,
    idempotency:
      key === undefined ? undefined : { key: scopedIdempotencyKey(principal, key), fingerprint, sentAs: key },
  };
}

/** Parameter decorator: `@Context() ctx: CommandContext` (expectedRevision is taken from the body). */
export const Context = createParamDecorator((_data: unknown, host: ExecutionContext): CommandContext => {
  const request = host.switchToHttp().getRequest<Request>();
  const expected = (request.body as { expectedRevision?: unknown } | undefined)?.expectedRevision;
  return commandContextOf(request, typeof expected === 'number' ? expected : undefined);
});
