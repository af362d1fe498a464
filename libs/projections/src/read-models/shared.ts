import { isCalendarDate, isIsoDateTime, normaliseDateTime, toCalendarDate } from '#domain';
import type { StoredEvent } from '#event-store';

/** The calendar day (UTC) a fact happened on. */
export const dayOf = (event: Pick<StoredEvent, 'occurredAt'>): string => toCalendarDate(event.occurredAt);

/** A date or a date-time as the last instant it covers: `2016-03-31` → `2016-03-31T23:59:59.999Z`. */
export function endOf(dateOrDateTime: string): string {
  const given: string = dateOrDateTime;
  if (isCalendarDate(dateOrDateTime)) return `${dateOrDateTime}T23:59:59.999Z`;
  if (isIsoDateTime(dateOrDateTime)) return normaliseDateTime(dateOrDateTime);
  throw new RangeError(`"${given}" is neither a date (YYYY-MM-DD) nor an ISO 8601 date-time.`);
}

/** A LIKE pattern matching `text` anywhere, with its own % and _ taken literally. */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `2015-10-14` → `14 October 2015`, for sentences people read. */
export { longDate } from '#domain';

/** The event's data, typed as the domain declares it for that event type. */
export const dataOf = <E extends { data: unknown }>(event: StoredEvent): E['data'] => event.data;

/**
 * Keyset paging of a list: the rows after the row keyed `after` in the list's own order (null:
 * from the start), at most `limit` of them. The key is the row's id, or for a list keyed otherwise
 * (savings: agreement and year) the values it is ordered by. A row whose sort key changed between
 * two pages may be seen twice or not at all; rows added before the cursor are not seen (docs/api.md, "Paging").
 */
export interface PageWindow {
  after: readonly string[] | null;
  limit: number;
}
