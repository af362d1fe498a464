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
