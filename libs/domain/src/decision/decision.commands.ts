import type { BodyRef } from '../bodies/body.js';
import type { Command } from '../kernel/decider.js';
import type { DecisionMakerKind } from './decision.events.js';

/**
 * A decision taken about an agreement and/or by a board (at one of its meetings). The handler loads
 * the board and agreement and says whether they exist, and which meetings the board has.
 */
export type RecordDecision = Command<
  'RecordDecision',
  {
    decisionId: string;
    summary: string;
    board?: { boardId: string; exists: boolean; meetingIds: string[] } | null;
    meetingId?: string | null;
    /**
     * `parties`: the agreement's current party ids, for checking `approvedBy`; `variationIds`: the ids of the
     * variations proposed on it (variations.ts), for checking `variationId`.
     */
    agreement?: {
      agreementId: string;
      exists: boolean;
      parties: readonly string[];
      variationIds?: readonly string[];
    } | null;
    /**
     * Who decided (default: the board, when one is named). For `pcc` and `chief-officer`, `body` is the force,
     * resolved by the handler; for `other`, `name` names the body.
     */
    madeBy?: { kind: DecisionMakerKind; body?: BodyRef | null; name?: string | null } | null;
    decisionNotice?: { number: string; url?: string | null } | null;
    approvedBy?: readonly string[];
    variationId?: string | null;
    occurredAt: string;
  }
>;

export type DecisionCommand = RecordDecision;
