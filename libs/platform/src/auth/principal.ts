import type { Request } from 'express';
import { AUTH_ROLES, type AuthRole } from '#config';
import type { Actor } from '#event-store';

/** Who is calling, as their verified bearer token says. */
export interface Principal {
  /** The person (`sub`). */
  sub: string;
  /** The roles of this service the token grants; unknown role names are left out. */
  roles: readonly AuthRole[];
  /** Slug of the body an officer acts for (`force`); null when the token names none. */
  force: string | null;
  /** Who issued the token (`iss`, checked against AUTH_ISSUER): `sub` is unique only within it. */
  issuer: string;
}

export { AUTH_ROLES, type AuthRole };

export const hasRole = (principal: Principal, role: AuthRole): boolean => principal.roles.includes(role);

/**
 * Who recorded it, for the envelope of every event a principal records: the role the write was
 * allowed under, the person, the body they act for and who vouched for them (the token's issuer).
 * Stored as actorText(...), shown to people as actorDisplay(...), e.g. `officer:jane.doe (thames-valley)`.
 */
export function actorOf(principal: Principal): Actor {
  const kind: AuthRole = hasRole(principal, 'admin') ? 'admin' : hasRole(principal, 'officer') ? 'officer' : 'auditor';
  return { kind, sub: principal.sub, force: principal.force, issuer: principal.issuer };
}

const PRINCIPAL = Symbol('principal');
type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function setPrincipal(request: Request, principal: Principal): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

/** The principal the AuthGuard verified for this request; undefined only on public routes. */
export function principalOf(request: Request): Principal | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}
