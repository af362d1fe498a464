import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
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

function reservedKeys(value: unknown, path: string, found: FieldProblem[], depth = 0): FieldProblem[] {
  if (typeof value !== 'object' || value === null || depth > 32) return found;
  for (const key of Object.keys(value)) {
    const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && RESERVED_KEYS.has(key)) found.push({ field, rule: 'unknown-field', message: `${field} is not a field of this request.` });
    else reservedKeys((value as Record<string, unknown>)[key], field, found, depth + 1);
  }
  return found;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const problems = reservedKeys(value, '', []);
      if (problems.length > 0) throw new RequestValidationError(problems);
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
