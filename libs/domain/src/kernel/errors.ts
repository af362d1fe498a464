/**
 * The small, typed set of errors the domain can raise. Each has a stable `code` that clients can
 * rely on; the HTTP layer maps the kind to a status in one place (problem+json filter).
 */
export type DomainErrorKind = 'validation' | 'not-found' | 'rule-broken' | 'conflict';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    /** Stable, kebab-case code, e.g. `party-already-signed`. */
    readonly code: string,
    /** A sentence a governance officer understands. */
    message: string,
    /** Optional field the error is about (for problem+json `errors`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command is well-formed JSON but says something impossible (unknown body, bad date order). */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
}

/** The stream or thing the command is about does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}

/** The command breaks a rule of the domain given the current state (HTTP 409). */
export class RuleBrokenError extends DomainError {
  readonly kind = 'rule-broken' as const;
}

/** The thing already exists (HTTP 409). */
export class AlreadyExistsError extends DomainError {
  readonly kind = 'conflict' as const;
}
