import type { SqlExecutor } from '#event-store';

/** Which alert rules an evaluation covers, and by which subject field it finds their alerts. */
export type SubjectKind = 'board' | 'agreement';

/**
 * Where the evaluator finds what to evaluate. Two adapters give the same answers: SqlComplianceSubjects
 * reads the SQL store's events table (fast at a million events, no index to build), and
 * LogComplianceSubjects reads the log through the EventStore port, for any other store.
 */
export interface ComplianceSubjects {
  boardIds(): Promise<string[]>;
  agreementIds(): Promise<string[]>;
  /** The boards that oversee an agreement (a board's agreements are fixed when it is established). */
  boardsOverseeing(agreementId: string): Promise<string[]>;
  /**
   * Ids of the alerts of these rules about this board or agreement with an occurrence not yet
   * resolved: the ones an evaluation may have to resolve. Read from the log, not the read model,
   * so an alert raised a moment ago is never missed.
   */
  unresolvedAlertIds(kind: SubjectKind, id: string, rules: readonly string[]): Promise<string[]>;
}

const SUBJECT_FIELD: Record<SubjectKind, string> = { board: 'boardId', agreement: 'agreementId' };

export class SqlComplianceSubjects implements ComplianceSubjects {
  constructor(private readonly db: SqlExecutor) {}

  async boardIds(): Promise<string[]> {
    return this.ids(
      `SELECT data->>'boardId' AS id FROM events WHERE type = 'GovernanceBoardEstablished' ORDER BY position`,
    );
  }

  async agreementIds(): Promise<string[]> {
    return this.ids(`SELECT data->>'agreementId' AS id FROM events WHERE type = 'AgreementDrafted' ORDER BY position`);
  }

  async boardsOverseeing(agreementId: string): Promise<string[]> {
    return this.ids(
      `SELECT data->>'boardId' AS id FROM events
        WHERE type = 'GovernanceBoardEstablished' AND data->'agreementIds' @> jsonb_build_array($1::text)
        ORDER BY position`,
      [agreementId],
    );
  }

  async unresolvedAlertIds(kind: SubjectKind, id: string, rules: readonly string[]): Promise<string[]> {
    // An AlertRaised with no AlertResolved after it in its stream is an occurrence still active.
    return this.ids(
      `SELECT DISTINCT raised.data->>'alertId' AS id FROM events raised
        WHERE raised.type = 'AlertRaised'
          AND raised.data->'subject'->>'${SUBJECT_FIELD[kind]}' = $1
          AND raised.data->>'rule' = ANY($2::text[])
          AND NOT EXISTS (
            SELECT 1 FROM events later
             WHERE later.stream_id = raised.stream_id AND later.revision > raised.revision AND later.type = 'AlertResolved')
        ORDER BY 1`,
      [id, [...rules]],
    );
  }

  private async ids(sql: string, params?: unknown[]): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string | null }>(sql, params);
    return [...new Set(rows.map((row) => row.id).filter((id): id is string => typeof id === 'string'))];
  }
}
