import type { DecisionMaker, DecisionNotice } from '#domain';
import type { SqlExecutor } from '#event-store';
import type { PageWindow } from '../shared.js';

export interface DecisionEntry {
  decisionId: string;
  summary: string;
  boardId: string | null;
  meetingId: string | null;
  agreementId: string | null;
  /** Who decided (null where an old record named no board and said nothing). */
  madeBy: DecisionMaker | null;
  decisionNotice: DecisionNotice | null;
  /** Parties of the agreement that approved it. */
  approvedBy: string[];
  variationId: string | null;
  decidedOn: string;
  recordedAt: string;
  recordedBy: string;
}

/**
 * Decisions, oldest first (then in log order), narrowed by board, meeting and/or agreement; with
 * `page`, the rows after the decision `page.after`, at most `page.limit`.
 */
export async function listDecisions(
  db: SqlExecutor,
  filter: { boardId?: string; meetingId?: string; agreementId?: string } = {},
  page?: PageWindow,
): Promise<DecisionEntry[]> {
  const { rows } = await db.query<{
    decision_id: string;
    summary: string;
    board_id: string | null;
    meeting_id: string | null;
    agreement_id: string | null;
    made_by: DecisionMaker | null;
    decision_notice: DecisionNotice | null;
    approved_by: string[];
    variation_id: string | null;
    decided_on: string;
    recorded_at: string;
    recorded_by: string;
  }>(
    `SELECT decision_id, summary, board_id, meeting_id, agreement_id, made_by, decision_notice, approved_by, variation_id, decided_on, recorded_at, recorded_by FROM decisions
      WHERE ($1::text IS NULL OR board_id = $1) AND ($2::text IS NULL OR meeting_id = $2) AND ($3::text IS NULL OR agreement_id = $3)
        AND ($4::text IS NULL OR (decided_on, position) > (SELECT d.decided_on, d.position FROM decisions d WHERE d.decision_id = $4))
      ORDER BY decided_on, position
      LIMIT $5`,
    [
      filter.boardId ?? null,
      filter.meetingId ?? null,
      filter.agreementId ?? null,
      page?.after?.[0] ?? null,
      page?.limit ?? null,
    ],
  );
  return rows.map((r) => ({
    decisionId: r.decision_id,
    summary: r.summary,
    boardId: r.board_id,
    meetingId: r.meeting_id,
    agreementId: r.agreement_id,
    madeBy: r.made_by,
    decisionNotice: r.decision_notice,
    approvedBy: r.approved_by,
    variationId: r.variation_id,
    decidedOn: r.decided_on,
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
  }));
}
