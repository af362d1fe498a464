import type { BodyKind } from './body.js';
import type { BodyRegistryEvent } from './body-registry.events.js';

export interface RegisteredBody {
  id: string;
  name: string;
  kind: BodyKind;
  registeredAt: string;
}

export interface BodyRegistryState {
  bodies: Readonly<Record<string, RegisteredBody>>;
}

export const initialBodyRegistryState = (): BodyRegistryState => ({ bodies: {} });

export const evolveBodyRegistry = (state: BodyRegistryState, event: BodyRegistryEvent): BodyRegistryState => {
  switch (event.type) {
    case 'BodyRegistered': {
      const { bodyId, name, kind } = event.data;
      return { bodies: { ...state.bodies, [bodyId]: { id: bodyId, name, kind, registeredAt: event.occurredAt } } };
    }
    default: {
      const _exhaustive: never = event.type;
      return state;
    }
  }
};
