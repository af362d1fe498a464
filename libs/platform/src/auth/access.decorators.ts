import { applyDecorators, SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = Symbol('public-route');
export const READS_OPTIONAL_TOKEN = Symbol('reads-optional-token');
export const WRITE_TARGET = Symbol('write-target');
export const PUBLIC_READ_LIMITED = Symbol('public-read-limited');

/** What a write touches, as the request names it; WriteAccess looks it up in the event store. */
export type WriteTargetSpec =
  | { kind: 'admin-only'; action: string }
  | { kind: 'new-agreement' }
  | { kind: 'agreement'; param: string }
  | { kind: 'board'; param: string }
  | { kind: 'decision' }
  | { kind: 'alert'; param: string };

/** No token needed (health, for load balancers and orchestrators). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * On a @Public route: a bearer token, when one is sent and valid, gives the handler its principal
 * (principalOf); without one, or with one that does not verify, the route answers as to anyone.
 */
export const ReadsOptionalToken = () => SetMetadata(READS_OPTIONAL_TOKEN, true);

/**
 * A read open to anyone (the s23E public register): no token needed, a valid one is read, and reads without
 * one are limited per client address (RATE_LIMIT_PUBLIC; docs/security.md, "What is public").
 */
export const PublicRead = () => applyDecorators(Public(), ReadsOptionalToken(), SetMetadata(PUBLIC_READ_LIMITED, true));

/**
 * Declares what a write endpoint touches, for the write policy. A write endpoint without it is
 * refused to everyone (the AuthGuard fails closed), so a new endpoint cannot be open by omission.
 */
export const Writes = (target: WriteTargetSpec) => SetMetadata(WRITE_TARGET, target);

export const WritesAgreement = (param = 'id') => Writes({ kind: 'agreement', param });
export const WritesBoard = (param = 'id') => Writes({ kind: 'board', param });
export const AdminOnly = (action: string) => Writes({ kind: 'admin-only', action });
