import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { MAX_BODY_DEPTH } from './json-body.js';
import { RequestValidationError, type FieldProblem } from './problem.js';

/** Flattens class-validator's nested errors into one entry per field and rule. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown-field' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not a field of this request.` : message,
    }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/**
 * Keys class-validator's whitelist does not see as unknown (every object has a `constructor`), and
 * that an object merge could turn into prototype pollution: refused wherever they appear.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Text PostgreSQL cannot store: NUL, and a UTF-16 surrogate without its pair (JSON's "\ud800"),
 * which jsonb refuses. With the u flag a paired surrogate is one code point and does not match.
 */
const UNSTORABLE_TEXT = /[\u0000\ud800-\udfff]/u;
/** A query filters by ids, dates and words: no control character belongs in one. */
const UNSTORABLE_QUERY_TEXT = /[\u0000-\u001f\u007f\ud800-\udfff]/u;

const textProblem = (field: string, where: 'body' | 'query'): FieldProblem => ({
  field,
  rule: 'isWellFormedText',
  message:
    where === 'body'
      ? `${field} must be text without NUL characters or unpaired UTF-16 surrogates.`
      : `${field} must be text without control characters or unpaired UTF-16 surrogates.`,
});

/** Reserved keys anywhere, and text the database cannot hold in any key or value. */
function inputProblems(
  value: unknown,
  where: 'body' | 'query',
  path = '',
  found: FieldProblem[] = [],
  depth = 0,
): FieldProblem[] {
  const unstorable = where === 'body' ? UNSTORABLE_TEXT : UNSTORABLE_QUERY_TEXT;
  if (typeof value === 'string') {
    if (unstorable.test(value)) found.push(textProblem(path || where, where));
    return found;
  }
  // The JSON parser refuses bodies nested deeper than MAX_BODY_DEPTH, so this bound cuts nothing real.
  if (typeof value !== 'object' || value === null || depth > MAX_BODY_DEPTH) return found;
  for (const key of Object.keys(value)) {
    const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (Array.isArray(value)) inputProblems(value[Number(key)], where, field, found, depth + 1);
    else if (unstorable.test(key)) found.push(textProblem(field, where));
    else if (RESERVED_KEYS.has(key))
      found.push({ field, rule: 'unknown-field', message: `${field} is not a field of this request.` });
    else inputProblems((value as Record<string, unknown>)[key], where, field, found, depth + 1);
  }
  return found;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = inputProblems(value, metadata.type);
      if (problems.length > 0) throw new RequestValidationError(problems, metadata.type);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Unknown fields are rejected, not stripped: a typo in a field name must not silently drop a fact.
 * Plain-object conversion is on so DTO classes and nested arrays are validated.
 */
export const validationPipe = (): ValidationPipe =>
  new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(fieldProblems(errors)),
  });
