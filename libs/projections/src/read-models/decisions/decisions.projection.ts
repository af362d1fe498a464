import { upcastDecisionRecorded, type DecisionRecorded } from '#domain';
import { displayActorText, positionKey } from '#event-store';
import type { SqlProjection } from '../../sql-projection.js';
import { writeRows, type Columns } from '../batch-rows.js';
import { dataOf, dayOf } from '../shared.js';

const COLUMNS: Columns = [
  ['decision_id', 'text'],
  ['summary', 'text'],
  ['board_id', 'text'],
  ['meeting_id', 'text'],
  ['agreement_id', 'text'],
  ['made_by', 'jsonb'],
  ['decision_notice', 'jsonb'],
  ['approved_by', 'jsonb'],
  ['variation_id', 'text'],
  ['decided_on', 'date'],
  ['recorded_at', 'timestamptz'],
  ['recorded_by', 'text'],
  ['position', 'text'],
];

/** The decisions log: what each board decided, at which meeting, about which agreement. */
export const decisionsProjection: SqlProjection = {
  name: 'decisions',
  // 2: positions kept as their positionKey text (any event store), no longer bigint.
  // 3: provenance (who decided, the decision notice, the approving parties, the variation).
  version: 3,
  handles: ['DecisionRecorded'],
  tables: ['decisions'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('decisions')} (
      decision_id text PRIMARY KEY,
      summary text NOT NULL,
      board_id text,
      meeting_id text,
      agreement_id text,
      made_by jsonb,
      decision_notice jsonb,
      approved_by jsonb NOT NULL DEFAULT '[]',
      variation_id text,
      decided_on date NOT NULL,
      recorded_at timestamptz NOT NULL,
      recorded_by text NOT NULL,
      position text COLLATE "C" NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${t('decisions')}_board_idx ON ${t('decisions')} (board_id, meeting_id);
    CREATE INDEX IF NOT EXISTS ${t('decisions')}_agreement_idx ON ${t('decisions')} (agreement_id);
  `,
  async apply({ tx, t }, event) {
    const { decisionId, summary, boardId, meetingId, agreementId, madeBy, decisionNotice, approvedBy, variationId } =
      upcastDecisionRecorded(dataOf<DecisionRecorded>(event));
    await tx.query(
      `INSERT INTO ${t('decisions')} (decision_id, summary, board_id, meeting_id, agreement_id, made_by, decision_notice, approved_by, variation_id, decided_on, recorded_at, recorded_by, position)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10::date, $11::timestamptz, $12, $13) ON CONFLICT (decision_id) DO NOTHING`,
      [
        decisionId,
        summary,
        boardId,
        meetingId,
        agreementId,
        madeBy === null ? null : JSON.stringify(madeBy),
        decisionNotice === null ? null : JSON.stringify(decisionNotice),
        JSON.stringify(approvedBy),
        variationId,
        dayOf(event),
        event.recordedAt,
        displayActorText(event.actor),
        positionKey(event.position),
      ],
    );
  },
  async applyBatch({ tx, t }, events) {
    const rows = events.map((event) => {
      const { decisionId, summary, boardId, meetingId, agreementId, madeBy, decisionNotice, approvedBy, variationId } =
        upcastDecisionRecorded(dataOf<DecisionRecorded>(event));
      return {
        decision_id: decisionId,
        summary,
        board_id: boardId,
        meeting_id: meetingId,
        agreement_id: agreementId,
        made_by: madeBy,
        decision_notice: decisionNotice,
        approved_by: approvedBy,
        variation_id: variationId,
        decided_on: dayOf(event),
        recorded_at: event.recordedAt,
        recorded_by: displayActorText(event.actor),
        position: positionKey(event.position),
      };
    });
    await writeRows(tx, t('decisions'), COLUMNS, ['decision_id'], rows, 'nothing');
  },
};
