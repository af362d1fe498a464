import type { Command } from '../kernel/decider.js';

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
    agreement?: { agreementId: string; exists: boolean } | null;
    occurredAt: string;
  }
>;

export type DecisionCommand = RecordDecision;
