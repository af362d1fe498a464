import type { DomainEvent } from '../kernel/decider.js';

export const decisionStreamId = (decisionId: string): string => `decision-${decisionId}`;

/** Who took a decision: the board, a force's policing body (PCC, PFCC, mayor), a chief officer, or another named body. */
export const DECISION_MAKER_KINDS = ['board', 'pcc', 'chief-officer', 'other'] as const;
export type DecisionMakerKind = (typeof DECISION_MAKER_KINDS)[number];

export interface DecisionMaker {
  kind: DecisionMakerKind;
  /** The force whose policing body or chief officer decided; null for a board or another body. */
  bodyId: string | null;
  /** As it was on the day: the policing body's name, "Chief Constable of …", or the other body's name; null for a board. */
  name: string | null;
}

/** A published decision notice (a PCC's decisions are published with a number, e.g. "PCC 2015/017"). */
export interface DecisionNotice {
  number: string;
  url: string | null;
}

/**
 * Schema version 2 (issue 16, decision provenance): who made it, under what authority, which parties approved
 * it, and the variation it relates to. Version 1 had none of these; `upcastDecisionRecorded` reads it as
 * made by its board when it names one (version 1 meant "taken by the board"), otherwise not recorded.
 */
export type DecisionRecorded = DomainEvent<
  'DecisionRecorded',
  {
    decisionId: string;
    summary: string;
    boardId: string | null;
    meetingId: string | null;
    agreementId: string | null;
    /** Null only where an old record did not say (no board named). */
    madeBy: DecisionMaker | null;
    decisionNotice: DecisionNotice | null;
    /** Parties of the agreement that approved the decision, by body id, in the order given. */
    approvedBy: string[];
    /** The variation of the agreement it relates to, by id; null when it is about the agreement as a whole. */
    variationId: string | null;
  }
>;

/** `DecisionRecorded` version 1: the fields before provenance. */
export type DecisionRecordedV1 = Omit<
  DecisionRecorded['data'],
  'madeBy' | 'decisionNotice' | 'approvedBy' | 'variationId'
>;

/** `DecisionRecorded` data in its version 2 shape, whatever version it was stored at (the shape tells them apart). */
export function upcastDecisionRecorded(data: DecisionRecorded['data'] | DecisionRecordedV1): DecisionRecorded['data'] {
  if ('madeBy' in data) return data;
  return {
    ...data,
    madeBy: data.boardId !== null ? { kind: 'board', bodyId: null, name: null } : null,
    decisionNotice: null,
    approvedBy: [],
    variationId: null,
  };
}

export type DecisionEvent = DecisionRecorded;

export const DECISION_EVENT_TYPES: readonly DecisionEvent['type'][] = ['DecisionRecorded'];

export const isDecisionEvent = (event: { type: string }): event is DecisionEvent =>
  (DECISION_EVENT_TYPES as readonly string[]).includes(event.type);
