import type { DomainEvent } from '../kernel/decider.js';

export const decisionStreamId = (decisionId: string): string => `decision-${decisionId}`;

export type DecisionRecorded = DomainEvent<
  'DecisionRecorded',
  {
    decisionId: string;
    summary: string;
    boardId: string | null;
    meetingId: string | null;
    agreementId: string | null;
  }
>;

export type DecisionEvent = DecisionRecorded;

export const DECISION_EVENT_TYPES: readonly DecisionEvent['type'][] = ['DecisionRecorded'];

export const isDecisionEvent = (event: { type: string }): event is DecisionEvent =>
  (DECISION_EVENT_TYPES as readonly string[]).includes(event.type);
