import { NotFoundError } from '#domain';
import {
  EventStore,
  PEOPLE_STREAM_ID,
  PERSON_ERASED,
  PersonKeys,
  personalFieldsOf,
  type PersonErasedData,
  type Position,
  type SqlDatabase,
} from '#event-store';
import { rebuildProjections, type SqlProjection } from '#projections';

export interface ErasePersonRequest {
  name: string;
  reason: string;
  /** Who erases (actor text, as in every envelope). */
  actor: string;
  now: Date;
  correlationId?: string;
}

export interface ErasePersonResult {
  personId: string;
  /** The PersonErased event: the `people` stream's revision after it and its position in the log. */
  revision: number;
  position: Position | null;
  /** The read models rebuilt so that none still holds the name. */
  rebuilt: string[];
}

/** The read models that could hold a name: those that handle an event type with personal fields. */
export const projectionsHoldingNames = (projections: readonly SqlProjection[]): SqlProjection[] =>
  projections.filter((projection) => projection.handles.some((type) => personalFieldsOf(type).length > 0));

/**
 * Erases a person (docs/security.md, "Erasure"): destroys their key, so every event naming them reads
 * "erased" while every stored byte, and so the hash chain, stays as it was; records that in the log
 * as a PersonErased event (the person id and the reason, never the name) on the `people` stream;
 * then rebuilds the read models that could hold the name, so no read shows it any more.
 * The same for the CLI (`erase-person`) and the API (`POST /people/erasure`).
 */
export async function erasePerson(
  deps: { db: SqlDatabase; store: EventStore; keys: PersonKeys; projections: readonly SqlProjection[] },
  request: ErasePersonRequest,
): Promise<ErasePersonResult> {
  const personId = await deps.keys.erase(request.name, request.now);
  if (personId === null) {
    throw new NotFoundError(
      'person-not-found',
      'No one of that name is recorded (or they were already erased); names are compared ignoring case and spacing.',
      'name',
    );
  }
  const data: PersonErasedData = { personId, reason: request.reason };
  const appended = await deps.store.append(
    PEOPLE_STREAM_ID,
    [{ type: PERSON_ERASED, occurredAt: request.now.toISOString(), data }],
    { expectedRevision: 'any', actor: request.actor, correlationId: request.correlationId },
  );
  const chosen = projectionsHoldingNames(deps.projections);
  const results = await rebuildProjections(deps.db, deps.store, chosen);
  return {
    personId,
    revision: appended.nextExpectedRevision,
    position: appended.lastPosition,
    rebuilt: results.map((r) => r.projection),
  };
}
