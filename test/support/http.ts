/**
 * Typed reads of HTTP response bodies in tests. supertest types `res.body` as `any`, which lets a typo
 * or a wrong shape flow silently into assertions; these name the shape the test expects (the API's
 * own contract, docs/api.md), so the type checker sees what the test reads. They do not validate: an
 * assertion on the fields does. With no type argument, `bodyOf(res)` is an object of unknown fields:
 * enough for `expect(bodyOf(res).field)`.
 */
export function bodyOf<T = Record<string, unknown>>(res: { body: unknown }): T {
  return res.body as T;
}

/** An error response (problem+json): the code and, for validation, each field with the rule it broke. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; rule: string; message?: string }[];
}

export const problemOf = (res: { body: unknown }): ProblemBody => bodyOf<ProblemBody>(res);

/** One event as the API shows it (GET /events, GET /streams/{id}/events). */
export interface EventBody {
  eventId: string;
  position: string;
  revision: number;
  streamId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: unknown;
  actorDisplay: string;
  data: Record<string, unknown>;
  [field: string]: unknown;
}

/** A page of events; `next` is the position to read from for the next page. */
export interface EventsBody {
  events: EventBody[];
  next: string | null;
}

export const eventsOf = (res: { body: unknown }): EventBody[] => bodyOf<EventsBody>(res).events;

/** What a command answers: where its last event went. */
export interface AppendedBody {
  streamId: string;
  firstPosition: string;
  position: string;
  revision: number;
}

/** GET /alerts. */
export interface AlertsBody {
  alerts: {
    alertId: string;
    rule: string;
    status: string;
    subject: { boardId?: string; agreementId?: string; [field: string]: unknown };
    [field: string]: unknown;
  }[];
}

/** One read model in GET /health. */
export interface ProjectionHealthBody {
  name: string;
  position: string | null;
  lag: number;
  parked: number;
  version: number;
  storedVersion: number | null;
  [field: string]: unknown;
}

/** The indicators of GET /health (Terminus: `info` when up, `error` when down, `details` always). */
export interface HealthIndicatorsBody {
  database: { status: string; code?: string; headPosition: string | null; [field: string]: unknown };
  projections: { status: string; projections: ProjectionHealthBody[]; problems?: unknown[]; [field: string]: unknown };
  [indicator: string]: unknown;
}

export interface HealthBody {
  status: string;
  info?: HealthIndicatorsBody;
  error?: HealthIndicatorsBody;
  details: HealthIndicatorsBody;
}

/** GET /docs-json: the OpenAPI document, as far as tests read it. */
export interface OpenApiBody {
  paths: Record<string, Record<string, { requestBody?: unknown; [field: string]: unknown }>>;
}

/** An agreement in GET /agreements and GET /bodies/{id}/collaborations. */
export interface AgreementSummaryBody {
  agreementId: string;
  title: string;
  status: string;
  parties: { id: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

/** The first event of a list response; throws (failing the test) when there is none. */
export function firstEventOf(res: { body: unknown }): EventBody {
  const [event] = eventsOf(res);
  if (event === undefined) throw new Error('the response lists no events');
  return event;
}
