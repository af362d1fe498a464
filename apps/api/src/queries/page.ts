import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { buildMessage, IsInt, IsOptional, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { isEntityId } from '#domain';
import { ConsistentQuery } from './read-your-writes.js';

/** Rows a list answers when the query names no limit, and the most it may ask for. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

/**
 * The cursor of a list: base64url of `{"after":"<id of the last row of the page>"}`. Opaque to
 * clients, so what it holds may change; the next page starts after that row in the list's order.
 */
export const encodeCursor = (afterId: string): string =>
  Buffer.from(JSON.stringify({ after: afterId })).toString('base64url');

/** The id a cursor holds, or null when it is not one this service wrote. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'after')) return null;
  const after = (value as { after: unknown }).after;
  return isEntityId(after) ? (after as string) : null;
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

/** What a list query function is given: the row to start after (null: from the start), and how many rows to read. */
export interface PageWindow {
  afterId: string | null;
  limit: number;
}

/** The window to read for `query`: one row more than the page, so `pageOf` can tell whether another follows. */
export const windowOf = (query: PagedQuery): PageWindow => ({
  afterId: query.cursor === undefined ? null : decodeCursor(query.cursor),
  limit: (query.limit ?? DEFAULT_PAGE_LIMIT) + 1,
});

/** The page of `rows` (read with `windowOf(query)`) and the cursor of the next, null at the end. */
export function pageOf<Row>(
  rows: Row[],
  query: PagedQuery,
  idOf: (row: Row) => string,
): { rows: Row[]; next: string | null } {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  return { rows: page, next: encodeCursor(idOf(page[limit - 1] as Row)) };
}
