import { SignJWT } from 'jose';
import { ConfigurationError, parseDuration, type AuthConfig, type AuthRole } from '#config';
import { hmacKeyOf } from './signing-secret.js';

export interface TokenRequest {
  sub: string;
  roles: readonly AuthRole[];
  force?: string | null;
  /** A duration such as `8h` or `30m` (default: defaultTokenLifetime). */
  expiresIn?: string;
}

export const DEFAULT_TOKEN_LIFETIME = '8h';

/** 8 hours, or the most AUTH_MAX_TOKEN_LIFETIME allows when that is shorter. */
export const defaultTokenLifetime = (auth: AuthConfig): string =>
  (parseDuration(DEFAULT_TOKEN_LIFETIME) as number) <= auth.maxTokenLifetimeMs
    ? DEFAULT_TOKEN_LIFETIME
    : `${Math.floor(auth.maxTokenLifetimeMs / 1000)}s`;

/**
 * Signs a token the service accepts, with the shared secret (AUTH_JWT_SECRET, or the generated one
 * in DATA_DIR). With AUTH_JWKS_URL the identity provider issues tokens, not this service.
 */
export async function issueToken(auth: AuthConfig, request: TokenRequest, now: Date = new Date()): Promise<string> {
  const key = await hmacKeyOf(auth);
  if (key === null) {
    throw new ConfigurationError([
      'Tokens are verified against AUTH_JWKS_URL: ask your identity provider for one; this service cannot issue them.',
    ]);
  }
  const expiresIn = request.expiresIn ?? defaultTokenLifetime(auth);
  const lifetime = parseDuration(expiresIn);
  if (lifetime === null) throw new ConfigurationError([`"${expiresIn}" is not a duration such as 8h or 30m.`]);
  if (lifetime > auth.maxTokenLifetimeMs) {
    throw new ConfigurationError([
      `A token may live at most ${auth.maxTokenLifetimeMs / 3_600_000} h here (AUTH_MAX_TOKEN_LIFETIME), not ${expiresIn}.`,
    ]);
  }
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ roles: [...request.roles], ...(request.force ? { force: request.force } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + Math.floor(lifetime / 1000))
    .sign(key);
}
