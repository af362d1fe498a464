import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How deep a request body may nest objects and arrays. The deepest real request is three levels
 * (a meeting's attendees); everything that walks a body after parsing (validation, the
 * idempotency fingerprint, the hash chain's canonical JSON) recurses, and thousands of levels
 * overflow the stack.
 */
export const MAX_BODY_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when JSON text nests objects and arrays deeper than `max`, judged on the raw UTF-8 bytes
 * without parsing (a multi-byte UTF-8 sequence never contains an ASCII byte). Brackets inside
 * strings do not count; malformed text is left for the parser to refuse.
 */
export function nestsDeeperThan(json: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** An error body-parser passes on with its status and type, as it does its own (see toProblem). */
export class JsonBodyError extends Error {
  constructor(
    readonly status: 400 | 415,
    readonly type: 'entity.too.deep' | 'charset.unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'JsonBodyError';
  }
}

/**
 * body-parser's `verify` hook: it sees the raw bytes before JSON.parse, so a body too deep is
 * refused before anything recurses. JSON between systems is UTF-8 (RFC 8259 §8.1), and the byte
 * scan relies on it.
 */
export function verifyJsonBody(
  _request: IncomingMessage,
  _response: ServerResponse,
  body: Buffer,
  encoding: string | null,
): void {
  if (encoding !== null && encoding.toLowerCase() !== 'utf-8') {
    throw new JsonBodyError(415, 'charset.unsupported', `A JSON body must be UTF-8, not ${encoding}.`);
  }
  if (nestsDeeperThan(body, MAX_BODY_DEPTH)) {
    throw new JsonBodyError(
      400,
      'entity.too.deep',
      `The request body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels.`,
    );
  }
}
