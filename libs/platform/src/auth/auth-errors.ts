/** No valid bearer token: 401 with `WWW-Authenticate: Bearer` (RFC 6750). */
export class AuthenticationError extends Error {
  readonly code = 'unauthenticated';
  constructor(
    message: string,
    /** RFC 6750 §3.1: `invalid_token` when a token was given but refused; absent when none was given. */
    readonly bearerError: 'invalid_token' | 'invalid_request' | null = 'invalid_token',
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** A verified principal asked for something their roles do not allow: 403, saying what and why. */
export class AccessDeniedError extends Error {
  readonly code = 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** Tokens cannot be verified right now (the identity provider's keys are unreachable): 503. */
export class TokenVerificationUnavailableError extends Error {
  readonly code = 'token-verification-unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'TokenVerificationUnavailableError';
  }
}
