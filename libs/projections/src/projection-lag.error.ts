import type { Position } from '#event-store';

export interface LaggingProjection {
  name: string;
  /** Its checkpoint, null when it has applied nothing yet. */
  position: Position | null;
  /** How many events it is short of the position asked for (null when the store cannot count them). */
  behind: number | null;
}

/**
 * A read-your-writes query waited its time and a projection had still not reached the position the
 * client wrote at. The HTTP layer answers 503 problem+json with `lag` and a Retry-After.
 */
export class ProjectionLagError extends Error {
  readonly code = 'projection-lag';
  constructor(
    readonly position: Position,
    readonly timeoutMs: number,
    readonly lagging: readonly LaggingProjection[],
  ) {
    super(
      `The read model has not caught up with position ${position} within ${timeoutMs} ms ` +
        `(${lagging.map((p) => `${p.name} is at ${p.position ?? 'the start'}`).join(', ')}); try again shortly.`,
    );
    this.name = 'ProjectionLagError';
  }
}

/**
 * A read model's live tables were built by an older version of its projection and the new version is
 * still being rebuilt (an old database opened by a newer release): its rows may lack what this code
 * reads, so the query is refused with 503 problem+json and a Retry-After rather than answered wrongly.
 */
export class ProjectionRebuildingError extends Error {
  readonly code = 'read-model-rebuilding';
  constructor(readonly rebuilding: readonly { name: string; version: number; storedVersion: number }[]) {
    super(
      `The read model is being rebuilt for this release (${rebuilding
        .map((p) => `${p.name} is at version ${p.storedVersion} of ${p.version}`)
        .join(', ')}); try again shortly.`,
    );
    this.name = 'ProjectionRebuildingError';
  }
}
