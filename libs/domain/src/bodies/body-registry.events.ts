import type { DomainEvent } from '../kernel/decider.js';
import type { BodyKind } from './body.js';

/** All registered bodies live in one stream: the registry is small and its ids must be unique. */
export const BODY_REGISTRY_STREAM_ID = 'bodies';

export type BodyRegistered = DomainEvent<'BodyRegistered', { bodyId: string; name: string; kind: BodyKind }>;

export type BodyRegistryEvent = BodyRegistered;

export const BODY_REGISTRY_EVENT_TYPES: readonly BodyRegistryEvent['type'][] = ['BodyRegistered'];

export const isBodyRegistryEvent = (event: { type: string }): event is BodyRegistryEvent =>
  (BODY_REGISTRY_EVENT_TYPES as readonly string[]).includes(event.type);
