import type { Decider } from '../kernel/decider.js';
import { AlreadyExistsError, ValidationError } from '../kernel/errors.js';
import { requireOneOf, requireText } from '../kernel/validation.js';
import { BODY_KINDS, isBodySlug } from './body.js';
import type { BodyRegistryCommand, RegisterBody } from './body-registry.commands.js';
import type { BodyRegistered, BodyRegistryEvent } from './body-registry.events.js';
import { evolveBodyRegistry, initialBodyRegistryState, type BodyRegistryState } from './body-registry.state.js';
import { findReferenceBody } from './reference-bodies.js';

const registerBody = ({ data, metadata }: RegisterBody, state: BodyRegistryState): BodyRegistered[] => {
  if (!isBodySlug(data.bodyId)) {
    throw new ValidationError(
      'invalid-body-id',
      `"${String(data.bodyId)}" cannot be used as a body id: use lowercase letters and digits separated by single hyphens (e.g. "hm-revenue-customs"), at most 64 characters.`,
      'bodyId',
    );
  }
  const reference = findReferenceBody(data.bodyId);
  if (reference) {
    throw new AlreadyExistsError(
      'reference-body',
      `"${data.bodyId}" is ${reference.name}, which is already known to the service: use it as it is.`,
      'bodyId',
    );
  }
  const existing = state.bodies.get(data.bodyId);
  if (existing) {
    throw new AlreadyExistsError(
      'body-already-registered',
      `"${data.bodyId}" is already registered (as ${existing.name}).`,
      'bodyId',
    );
  }
  const name = requireText(data.name, 'name', 'name-required', 'Give the name of the body.');
  const kind = requireOneOf(data.kind, BODY_KINDS, 'kind', 'invalid-body-kind', 'kind of body');
  return [{ type: 'BodyRegistered', occurredAt: metadata.now, data: { bodyId: data.bodyId, name, kind } }];
};

export const decideBodyRegistry = (command: BodyRegistryCommand, state: BodyRegistryState): BodyRegistryEvent[] => {
  switch (command.type) {
    case 'RegisterBody':
      return registerBody(command, state);
    default: {
      const _exhaustive: never = command.type;
      throw new Error(`Unknown command ${String(_exhaustive)}`);
    }
  }
};

export const bodyRegistryDecider: Decider<BodyRegistryCommand, BodyRegistryEvent, BodyRegistryState> = {
  decide: decideBodyRegistry,
  evolve: evolveBodyRegistry,
  initialState: initialBodyRegistryState,
};
