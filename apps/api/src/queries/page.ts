import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { buildMessage, IsInt, IsOptional, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { isEntityId } from '#domain';
import type { PageWindow } from '#projections';
import { RequestValidationError } from '#platform';
import { ConsistentQuery } from './read-your-writes.js';

/** Rows a list answers when the query names no limit, and the most it may ask for. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

/** Printable ASCII without spaces: ids, financial years; nothing a cursor needs is longer than 200. */
const KEY_PART = /^[!-~]{1,200}$/;

/**
 * The cursor of a list: base64url of `{"after":[...]}`, the sort key of the last row of the page
 * (its id, or for savings its agreement and year). Opaque to clients, so what it holds may change;
 * the next page starts after that row in the list's order.
 */
export const encodeCursor = (after: readonly string[]): string =>
  Buffer.from(JSON.stringify({ after })).toString('base64url');

/** The key a cursor holds, or null when it is not one this service wrote. */
export function decodeCursor(cursor: string): string[] | null {
  if (!/^[A-Za-z0-9_-]{1,1200}$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'after')) return null;
  const after = (value as { after: unknown }).after;
  if (!Array.isArray(after) || after.length < 1 || after.length > 4) return null;
  return after.every((part) => typeof part === 'string' && KEY_PART.test(part)) ? (after as string[]) : null;
}

const IsPageCursor = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isPageCursor',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && decodeCursor(value) !== null,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be the next of a page this list answered.`,
          options,
        ),
      },
    },
    options,
  );

/** A list query: read-your-writes, then `limit` rows after `cursor` (the `next` of the page before). */
export class PagedQuery extends ConsistentQuery {
  @ApiPropertyOptional({
    description: `At most this many rows (1–${MAX_PAGE_LIMIT}, default ${DEFAULT_PAGE_LIMIT}).`,
    minimum: 1,
    maximum: MAX_PAGE_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page; absent for the first page.' })
  @IsOptional()
  @IsPageCursor()
  cursor?: string;
}

/**
 * The window to read for `query`, whose rows are keyed by `keyLength` values (1: the id): one row
 * more than the page, so `pageOf` can tell whether another follows. A cursor of another list's
 * shape is a 400 naming `cursor`: one of another length, or whose key `isKey` refuses (by default a
 * key of one value must be an entity id; a list keyed otherwise, e.g. by force or region, says what its key is).
 */
export function windowOf(
  query: PagedQuery,
  keyLength = 1,
  isKey: (after: readonly string[]) => boolean = (after) => keyLength !== 1 || isEntityId(after[0]),
): PageWindow {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (after !== null && (after.length !== keyLength || !isKey(after))) {
    throw new RequestValidationError(
      [{ field: 'cursor', rule: 'isPageCursor', message: 'cursor must be the next of a page this list answered.' }],
      'query',
    );
  }
  return { after, limit: (query.limit ?? DEFAULT_PAGE_LIMIT) + 1 };
}

/**
 * The rows of `window` in a list already in memory, ordered as the read models order their lists by title (lower
 * case, then id; replays answer this way): those after the cursor's row, at most `window.limit`.
 */
export function windowedByTitle<Row extends { title: string; agreementId: string }>(
  rows: Row[],
  window: PageWindow,
): Row[] {
  const key = (row: Row): [string, string] => [row.title.toLowerCase(), row.agreementId];
  const afterId = window.after?.[0] ?? null;
  if (afterId === null) return rows.slice(0, window.limit);
  const cursorRow = rows.find((row) => row.agreementId === afterId);
  const [title, id] = cursorRow ? key(cursorRow) : [afterId.toLowerCase(), afterId];
  return rows
    .filter((row) => {
      const [t, i] = key(row);
      return t > title || (t === title && i > id);
    })
    .slice(0, window.limit);
}

/** The page of `rows` (read with `windowOf(query)`) and the cursor of the next, null at the end. */
export function pageOf<Row>(
  rows: Row[],
  query: PagedQuery,
  keyOf: (row: Row) => readonly string[],
): { rows: Row[]; next: string | null } {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  return { rows: page, next: encodeCursor(keyOf(page[limit - 1] as Row)) };
}
