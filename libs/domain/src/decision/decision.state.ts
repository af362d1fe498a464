import { toCalendarDate } from '../kernel/dates.js';
import type { DecisionEvent } from './decision.events.js';

export interface DecisionState {
  status: 'none' | 'recorded';
  decisionId: string;
  decidedOn: string | null;
}

export const initialDecisionState = (): DecisionState => ({ status: 'none', decisionId: '', decidedOn: null });

export const evolveDecision = (state: DecisionState, event: DecisionEvent): DecisionState => {
  switch (event.type) {
    case 'DecisionRecorded':
      return { status: 'recorded', decisionId: event.data.decisionId, decidedOn: toCalendarDate(event.occurredAt) };
    default: {
      const _exhaustive: never = event.type;
      return state;
    }
  }
};
