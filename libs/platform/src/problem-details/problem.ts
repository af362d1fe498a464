/**
 * RFC 9457 problem details: `{type, title, status, detail, errors?}`. Every error the API
 * answers with is one of these, built in one place (ProblemDetailsFilter).
 */
export interface FieldProblem {
  /** The field, as a JSON path into the request (`parties[2]`), or a header/query name. */
  field: string;
  /** The rule it broke, stable for clients (`isDateString`, `whitelistValidation`, `unknown-body`). */
  rule: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const problemType = (code: string): string => `/problems/${code}`;

/** A request that fails validation at the edge: the filter turns it into a 400 naming each field. */
export class RequestValidationError extends Error {
  constructor(
    readonly errors: FieldProblem[],
    readonly where: 'body' | 'query' | 'header' | 'path' = 'body',
  ) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'RequestValidationError';
  }
}
