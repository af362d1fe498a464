import type { ExemptionGround, PublicationEvent } from './publication.events.js';

export interface PublicationState {
  published: boolean;
  exemption: { ground: ExemptionGround; reason: string } | null;
}

export const initialPublicationState = (): PublicationState => ({ published: false, exemption: null });

export const evolvePublication = (state: PublicationState, event: PublicationEvent): PublicationState => {
  switch (event.type) {
    case 'AgreementPublished':
      return { ...state, published: true };
    case 'PublicationExemptionMarked':
      return { ...state, exemption: { ground: event.data.ground, reason: event.data.reason } };
    case 'PublicationWithdrawn':
      return { ...state, published: false };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};
