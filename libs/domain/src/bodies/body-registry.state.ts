import type { BodyKind } from './body.js';
import type { BodyRegistryEvent } from './body-registry.events.js';

export interface RegisteredBody {
  id: string;
  name: string;
  kind: BodyKind;
  registeredAt: string;
}

export interface BodyRegistryState {
  /** By body id. A Map, because the ids come from users: a plain object would find `constructor` ("Object"). */
  bodies: ReadonlyMap<string, RegisteredBody>;
}

export const initialBodyRegistryState = (): BodyRegistryState => ({ bodies: new Map() });

export const evolveBodyRegistry = (state: BodyRegistryState, event: BodyRegistryEvent): BodyRegistryState => {
  switch (event.type) {
    case 'BodyRegistered': {
      const { bodyId, name, kind } = event.data;
      return { bodies: new Map(state.bodies).set(bodyId, { id: bodyId, name, kind, registeredAt: event.occurredAt }) };
    }
    default: {
      const _exhaustive: never = event.type;
      return state;
    }
  }
};
