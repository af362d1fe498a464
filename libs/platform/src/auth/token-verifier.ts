import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isBodySlug } from '#domain';
import { AUTH_ROLES, type AuthConfig, type AuthRole } from '#config';
import { AuthenticationError, TokenVerificationUnavailableError } from './auth-errors.js';
import type { Principal } from './principal.js';
import { hmacKeyOf } from './signing-secret.js';

const SUB = /^[^\p{Cc}]{1,200}$/u;
/** Clocks of the identity provider and this service drift a little. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Verifies bearer tokens: the signature (HS256 with the shared or generated secret; RS256/ES256
 * with the identity provider's JWKS), `iss`, `aud` and `exp` (required), then the claims this
 * service reads. jose refuses `alg: none` and any algorithm not listed here. Expiry is checked
 * against the system clock, not the injectable Clock: that one is the record's notion of now
 * (tests move it to 2016), while a token's lifetime is about the real world.
 */
export class TokenVerifier {
  private constructor(
    private readonly auth: AuthConfig,
    private readonly key: Uint8Array | JWTVerifyGetKey,
    private readonly algorithms: string[],
  ) {}

  static async create(auth: AuthConfig): Promise<TokenVerifier> {
    const hmac = await hmacKeyOf(auth);
    if (hmac !== null) return new TokenVerifier(auth, hmac, ['HS256']);
    if (auth.mode !== 'jwks') throw new Error('unreachable: only jwks has no HMAC key');
    return new TokenVerifier(
      auth,
      createRemoteJWKSet(new URL(auth.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 }),
      ['RS256', 'ES256'],
    );
  }

  /**
   * True when a token is checked here alone (HS256 with a secret this service holds), so verifying
   * one costs a hash and never a fetch of an identity provider's keys.
   */
  get verifiesLocally(): boolean {
    return this.key instanceof Uint8Array;
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const options = {
        issuer: this.auth.issuer,
        audience: this.auth.audience,
        algorithms: this.algorithms,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      };
      // Two calls rather than a union: jose overloads on the key's type.
      payload = (
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options)
      ).payload;
    } catch (error) {
      throw translate(error);
    }
    const refusal = lifetimeRefusal(payload, Date.now() / 1000, this.auth.maxTokenLifetimeMs / 1000);
    if (refusal !== null) throw new AuthenticationError(refusal);
    return principalFrom(payload);
  }
}

/**
 * What jose leaves to us: a token issued in the future (a forged or mis-clocked `iat`), and one that
 * lives longer than AUTH_MAX_TOKEN_LIFETIME (a token valid for a century is a password that never
 * changes). Without `iat` the lifetime left (`exp` − now) must be within the maximum. jose has
 * already refused a missing `exp` and an `nbf` in the future.
 */
export function lifetimeRefusal(payload: JWTPayload, nowSeconds: number, maxLifetimeSeconds: number): string | null {
  const { iat, exp } = payload;
  if (typeof exp !== 'number') return 'The token must carry an "exp" claim.';
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat)))
    return 'The token\'s "iat" claim must be a time.';
  if (iat !== undefined && iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
    return 'The token\'s "iat" claim is in the future: it says it was issued after now. Check the issuer\'s clock.';
  }
  const lifetime = exp - (iat ?? nowSeconds);
  if (lifetime > maxLifetimeSeconds) {
    return `The token lives longer than this service accepts (at most ${formatSeconds(maxLifetimeSeconds)} from issue to expiry): get a shorter-lived one.`;
  }
  return null;
}

const formatSeconds = (seconds: number): string =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

function translate(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new AuthenticationError('The token has expired: get a new one.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthenticationError(
      `The token's "${error.claim}" claim is not accepted by this service (${error.reason}).`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new AuthenticationError('The token is signed with an algorithm this service does not accept.');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new AuthenticationError("The token's signature is not valid.");
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError('No key of the identity provider matches the token.');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError) {
    return new TokenVerificationUnavailableError(
      "The identity provider's keys cannot be fetched right now, so no token can be verified. Try again shortly.",
    );
  }
  if (error instanceof errors.JOSEError) return new AuthenticationError('The token is malformed.');
  return new AuthenticationError('The token could not be verified.');
}

/** The claims this service reads: `sub`, `roles` (an array), `force` (a body's slug; officers need one). */
export function principalFrom(payload: JWTPayload): Principal {
  const { sub, roles, force } = payload as JWTPayload & { roles?: unknown; force?: unknown };
  if (typeof sub !== 'string' || !SUB.test(sub)) {
    throw new AuthenticationError(
      'The token\'s "sub" must name the person in 1 to 200 characters without control characters.',
    );
  }
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) {
    throw new AuthenticationError(`The token must carry "roles", an array of ${AUTH_ROLES.join(', ')}.`);
  }
  if (force !== undefined && force !== null && !isBodySlug(force)) {
    throw new AuthenticationError('The token\'s "force" must be the slug of a body, such as thames-valley.');
  }
  const granted = AUTH_ROLES.filter((role: AuthRole) => roles.includes(role));
  const principal: Principal = {
    sub,
    roles: granted,
    force: typeof force === 'string' ? force : null,
    issuer: String(payload.iss),
  };
  if (granted.includes('officer') && principal.force === null) {
    throw new AuthenticationError(
      'An officer\'s token must name the body they act for in "force" (e.g. thames-valley).',
    );
  }
  return principal;
}
