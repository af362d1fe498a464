import { ValidationError } from '../kernel/errors.js';
import type { BodyRef } from './body.js';
import type { BodyRegistryState } from './body-registry.state.js';
import { findReferenceBody } from './reference-bodies.js';

/** Reference data first, then the registry; null when the id is neither. Handlers call this, deciders never do. */
export const resolveBody = (id: string, registry: BodyRegistryState): BodyRef | null => {
  const reference = findReferenceBody(id);
  if (reference) return { id, name: reference.name, kind: reference.kind, policingBody: reference.policingBody };
  const registered = registry.bodies.get(id);
  if (registered) return { id, name: registered.name, kind: registered.kind, policingBody: null };
  return null;
};

/** As resolveBody, but an unknown id is a validation error naming the slug (HTTP 422). */
export const requireBody = (id: string, registry: BodyRegistryState, field = 'party'): BodyRef => {
  const body = resolveBody(id, registry);
  if (!body) {
    throw new ValidationError(
      'unknown-body',
      `"${id}" is not a known police force or registered body: check the id, or register the body first (POST /bodies).`,
      field,
    );
  }
  return body;
};
