import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '#domain';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreUnavailableError,
  IdempotencyKeyReusedError,
  InvalidAppendError,
  InvalidPositionError,
  WriteContentionError,
} from '#event-store';
import { ProjectionLagError, ProjectionRebuildingError } from '#projections';
import { AccessDeniedError, AuthenticationError, TokenVerificationUnavailableError } from '../auth/auth-errors.js';
import { JsonBodyError } from './json-body.js';
import { problemType, RequestValidationError, type Problem } from './problem.js';

const DOMAIN_STATUS = {
  validation: HttpStatus.UNPROCESSABLE_ENTITY,
  'not-found': HttpStatus.NOT_FOUND,
  'rule-broken': HttpStatus.CONFLICT,
  conflict: HttpStatus.CONFLICT,
} as const;

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal server error',
  501: 'Not implemented',
  503: 'Service unavailable',
};

const PARSER_DETAILS: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.too.large': 'The request body is larger than this service accepts.',
};

/** An error class that carries a stable code, and how it answers. */
interface ProblemMapping<E extends Error & { code: string }> {
  error: abstract new (...args: never[]) => E;
  status: number | ((error: E) => number);
  /** Absent: the status's title. */
  title?: string;
  /** Members beyond type, title, status, detail and code: field errors, extensions. */
  extra?: (error: E) => Partial<Problem>;
}

type AnyProblemMapping = ProblemMapping<Error & { code: string }>;
const mapping = <E extends Error & { code: string }>(m: ProblemMapping<E>): AnyProblemMapping =>
  m as unknown as AnyProblemMapping;

/** The errors with a stable code, first match wins (docs/architecture.md, "Errors with stable codes"). */
const PROBLEMS: readonly AnyProblemMapping[] = [
  mapping({ error: AuthenticationError, status: 401 }),
  mapping({ error: AccessDeniedError, status: 403 }),
  mapping({ error: TokenVerificationUnavailableError, status: 503 }),
  mapping({
    error: DomainError,
    status: (error) => DOMAIN_STATUS[error.kind],
    extra: (error) =>
      error.field ? { errors: [{ field: error.field, rule: error.code, message: error.message }] } : {},
  }),
  mapping({
    error: ConcurrencyError,
    status: 409,
    title: 'The record changed since you read it',
    extra: (error) => ({
      errors: [{ field: 'expectedRevision', rule: error.code, message: error.message }],
      currentRevision: error.actual,
    }),
  }),
  mapping({
    error: IdempotencyKeyReusedError,
    status: 422,
    extra: (error) => ({ errors: [{ field: 'Idempotency-Key', rule: error.code, message: error.message }] }),
  }),
  mapping({ error: InvalidAppendError, status: 422 }),
  mapping({ error: DuplicateEventIdError, status: 409 }),
  mapping({ error: InvalidPositionError, status: 400 }),
  mapping({ error: EventStoreUnavailableError, status: 503 }),
  mapping({ error: WriteContentionError, status: 503 }),
  mapping({
    error: ProjectionLagError,
    status: 503,
    title: 'The read model has not caught up yet',
    extra: (error) => ({ position: error.position, lag: error.lagging }),
  }),
  mapping({
    error: ProjectionRebuildingError,
    status: 503,
    title: 'The read model is being rebuilt for this release',
    extra: (error) => ({ rebuilding: error.rebuilding }),
  }),
];

/** Maps every error to RFC 9457 problem+json, in this one place (docs/architecture.md, "Errors with stable codes"). */
export function toProblem(error: unknown): Problem {
  if (error instanceof RequestValidationError) {
    return {
      type: problemType('validation-failed'),
      title: 'The request is not valid',
      status: 400,
      detail: error.errors.map((e) => e.message).join(' '),
      code: 'validation-failed',
      errors: error.errors,
    };
  }
  const known = PROBLEMS.find((m) => error instanceof m.error);
  if (known) {
    const coded = error as Error & { code: string };
    const status = typeof known.status === 'number' ? known.status : known.status(coded);
    return {
      type: problemType(coded.code),
      title: known.title ?? (TITLES[status] as string),
      status,
      detail: coded.message,
      code: coded.code,
      ...known.extra?.(coded),
    };
  }
  const parserError = bodyParserErrorOf(error);
  if (parserError) {
    const { status, type } = parserError;
    const code = type.replace(/\./g, '-');
    const detail =
      PARSER_DETAILS[type] ??
      (parserError instanceof JsonBodyError ? parserError.message : 'The request body could not be read.');
    return {
      type: problemType(code),
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      code,
      ...(status < 500 ? { errors: [{ field: 'body', rule: code, message: detail }] } : {}),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail =
      typeof body === 'string'
        ? body
        : typeof (body as { message?: unknown }).message === 'string'
          ? (body as { message: string }).message
          : error.message;
    const code = status === 404 ? 'not-found' : `http-${status}`;
    const health = healthReport(body);
    if (health) {
      // GET /health down: keep terminus's report, so an operator sees what is down and why.
      const down = Object.keys(health.error);
      return {
        type: problemType('unhealthy'),
        title: TITLES[status] ?? 'Error',
        status,
        detail: `Unhealthy: ${down.join(', ')} down.`,
        code: 'unhealthy',
        ...health,
      };
    }
    return { type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code };
  }
  // A value past what a built-in accepts (an invalid Date, a stack overflow on nesting): the
  // request's doing, refused before anything was written. The validators should have said which
  // field; the warning shows which one they missed.
  if (error instanceof RangeError) {
    return {
      type: problemType('out-of-range'),
      title: TITLES[400] as string,
      status: 400,
      detail: 'A value in the request is outside the range this service can handle.',
      code: 'out-of-range',
    };
  }
  return {
    type: problemType('internal-error'),
    title: TITLES[500] as string,
    status: 500,
    detail: 'Something went wrong on our side. Nothing was recorded; the error was logged.',
    code: 'internal-error',
  };
}

/**
 * An error of Express' body parser (or of its verify hook, json-body.ts): it carries an HTTP status
 * and a machine type. Nest hands a 4xx one over wrapped in an HttpException, as its cause.
 */
function bodyParserErrorOf(error: unknown): (Error & { status: number; type: string }) | null {
  const candidate = error instanceof HttpException ? error.cause : error;
  if (!(candidate instanceof Error)) return null;
  const { status, type } = candidate as { status?: unknown; type?: unknown };
  return typeof status === 'number' && typeof type === 'string'
    ? (candidate as Error & { status: number; type: string })
    : null;
}

/** The body @nestjs/terminus answers an unhealthy check with: `{ status: 'error', info, error, details }`. */
function healthReport(body: unknown): { info: object; error: object; details: object } | null {
  const report = body as { status?: unknown; info?: unknown; error?: unknown; details?: unknown } | null;
  if (typeof report !== 'object' || report === null || report.status !== 'error') return null;
  const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;
  if (!isObject(report.error) || !isObject(report.details)) return null;
  return { info: isObject(report.info) ? report.info : {}, error: report.error, details: report.details };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const problem = toProblem(error);
    if (problem.status >= 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    else if (problem.code === 'out-of-range')
      this.logger.warn(`A RangeError no validator caught: ${(error as RangeError).stack ?? String(error)}`);
    const response = host.switchToHttp().getResponse<Response>();
    if (problem.status === 503) response.setHeader('Retry-After', '1');
    if (error instanceof AuthenticationError) response.setHeader('WWW-Authenticate', bearerChallenge(error));
    sendProblem(response, problem);
  }
}

/** RFC 6750 §3: the challenge, with the error and a description when a token was refused. */
function bearerChallenge(error: AuthenticationError): string {
  const realm = 'Bearer realm="governance-tracker"';
  if (error.bearerError === null) return realm;
  const description = error.message.replace(/["\\]/g, "'");
  return `${realm}, error="${error.bearerError}", error_description="${description}"`;
}

export function sendProblem(response: Response, problem: Problem): void {
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
