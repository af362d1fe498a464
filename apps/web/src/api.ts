/** The one HTTP client of the page: the same API every other client uses, with a bearer token. */
import type { EventPage, Problem, WriteResult } from './generated/api-types';

/** RFC 9457 problem details, as the API answers every error; and what every write answers. */
export type { FieldProblem, Problem, WriteResult } from './generated/api-types';

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | null | undefined>;

let bearer: string | null = null;
let onUnauthorised: (problem: Problem) => void = () => {};

export function setBearer(token: string | null): void {
  bearer = token;
}

/** Called when the API refuses the token (expired, or signed with another secret). */
export function whenUnauthorised(handler: (problem: Problem) => void): void {
  onUnauthorised = handler;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' && body !== null && typeof (body as Problem).status === 'number' && 'title' in body;

async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: { anonymous?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer && !options.anonymous) headers.Authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError({
      type: 'about:blank',
      title: 'No answer',
      status: 0,
      detail: 'The service did not answer. Is it running?',
    });
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const problem: Problem = isProblem(parsed)
      ? parsed
      : {
          type: 'about:blank',
          title: response.statusText,
          status: response.status,
          detail: typeof parsed === 'string' ? parsed : response.statusText,
        };
    if (response.status === 401 && !options.anonymous) onUnauthorised(problem);
    throw new ApiError(problem);
  }
  return parsed as T;
}

export const get = <T>(path: string, query?: Query, options?: { anonymous?: boolean }): Promise<T> =>
  request<T>('GET', withQuery(path, query), undefined, options);

/**
 * Every page of a list (the API answers at most 500 rows a page, with the cursor of the next), its
 * rows under `key` joined: for what needs the whole list, such as the choices of a filter.
 */
export async function getEveryPage<Page extends { next: string | null }>(
  path: string,
  query: Query,
  key: { [K in keyof Page]: Page[K] extends unknown[] ? K : never }[keyof Page],
): Promise<Page> {
  const first = await get<Page>(path, { ...query, limit: 500 });
  const rows = [...(first[key] as unknown[])];
  let next = first.next;
  while (next !== null) {
    const page = await get<Page>(path, { ...query, limit: 500, cursor: next });
    rows.push(...(page[key] as unknown[]));
    next = page.next;
  }
  return { ...first, [key]: rows, next: null };
}

export const post = <T = WriteResult>(path: string, body: unknown, options?: { anonymous?: boolean }): Promise<T> =>
  request<T>('POST', path, body, options);

/** One stored event with its envelope, as the audit trail returns it; every event's data is a JSON object. */
export type StoredEvent = EventPage['events'][number] & { data: Record<string, unknown> };

/** Every event of a stream (pages of 1000), oldest first; empty when the stream does not exist. */
export async function streamEvents(streamId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let from: EventPage['next'] = 0;
  while (from !== null) {
    let page: { events: StoredEvent[]; next: EventPage['next'] };
    try {
      page = await get(`/streams/${encodeURIComponent(streamId)}/events`, { fromRevision: from, limit: 1000 });
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 404) return events;
      throw error;
    }
    events.push(...page.events);
    from = page.next;
  }
  return events;
}

/** The stream's revision after its last event: what a write sends as expectedRevision (-1: no stream yet). */
export const revisionOf = (events: readonly StoredEvent[]): number =>
  events.length === 0 ? -1 : (events[events.length - 1] as StoredEvent).revision;
