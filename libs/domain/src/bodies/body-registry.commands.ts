import type { Command } from '../kernel/decider.js';
import type { BodyKind } from './body.js';

/** Registers a body that is not in the reference data (a fire and rescue authority, HMRC, a council). */
export type RegisterBody = Command<'RegisterBody', { bodyId: string; name: string; kind: BodyKind }>;

export type BodyRegistryCommand = RegisterBody;
