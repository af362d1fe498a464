import type { Position, SqlExecutor } from '#event-store';
import { agreementRegisterProjection, boardComplianceProjection, type ProjectionStatus } from '#projections';
import { alertsProjection } from './read-model/alerts.projection.js';

/** Which alert rules an evaluation covers, and by which subject field it finds their alerts. */
export type SubjectKind = 'board' | 'agreement';

/**
 * Where the evaluator finds what to evaluate. Every question names the log position the answer must
 * reflect (`at`: the event being evaluated, or the head for the clock tick; null for an empty log), and
 * an answer waits until the read models it uses have reached it.
 */
export interface ComplianceSubjects {
  boardIds(at: Position | null): Promise<string[]>;
  agreementIds(at: Position | null): Promise<string[]>;
  /** The boards that oversee an agreement now (BoardOversightChanged adds and removes them). */
  boardsOverseeing(agreementId: string, at: Position | null): Promise<string[]>;
  /**
   * Ids of the alerts of these rules about this board or agreement with an occurrence not yet
   * resolved: the ones an evaluation may have to resolve. Answered once the alerts read model has
   * reached `at`, so an alert raised a moment ago (before `at`) is never missed.
   */
  unresolvedAlertIds(kind: SubjectKind, id: string, rules: readonly string[], at: Position | null): Promise<string[]>;
}

/** The read models the subjects come from: their projections must run wherever the evaluator does. */
export const COMPLIANCE_SUBJECT_PROJECTIONS = [
  boardComplianceProjection,
  agreementRegisterProjection,
  alertsProjection,
];

export interface ReadModelComplianceSubjectsOptions {
  /** How long an answer waits for a read model to reach its position before failing. Default 30 s. */
  waitMs?: number;
}

const SUBJECT_COLUMN: Record<SubjectKind, string> = { board: 'board_id', agreement: 'agreement_id' };

/**
 * The compliance subjects from the read models (docs/architecture.md, "Compliance subjects"): boards and
 * the agreements each oversees from the board-compliance tables, agreements from `agreement_register`,
 * alerts and their status from `alerts`. Any event store, one query each.
 */
export class ReadModelComplianceSubjects implements ComplianceSubjects {
  private readonly waitMs: number;

  constructor(
    private readonly db: SqlExecutor,
    private readonly status: ProjectionStatus,
    options: ReadModelComplianceSubjectsOptions = {},
  ) {
    this.waitMs = options.waitMs ?? 30_000;
  }

  async boardIds(at: Position | null): Promise<string[]> {
    await this.reached(at, boardComplianceProjection.name);
    return this.ids('SELECT board_id AS id FROM boards ORDER BY board_id');
  }

  async agreementIds(at: Position | null): Promise<string[]> {
    await this.reached(at, agreementRegisterProjection.name);
    return this.ids('SELECT agreement_id AS id FROM agreement_register ORDER BY agreement_id');
  }

  async boardsOverseeing(agreementId: string, at: Position | null): Promise<string[]> {
    await this.reached(at, boardComplianceProjection.name);
    return this.ids('SELECT board_id AS id FROM boards WHERE $1::text = ANY(agreement_ids) ORDER BY board_id', [
      agreementId,
    ]);
  }

  async unresolvedAlertIds(
    kind: SubjectKind,
    id: string,
    rules: readonly string[],
    at: Position | null,
  ): Promise<string[]> {
    await this.reached(at, alertsProjection.name);
    // One row per alert, holding its current occurrence: open or acknowledged is not yet resolved.
    return this.ids(
      `SELECT alert_id AS id FROM alerts
        WHERE ${SUBJECT_COLUMN[kind]} = $1 AND rule = ANY($2::text[]) AND status <> 'resolved'
        ORDER BY alert_id`,
      [id, [...rules]],
    );
  }

  private async reached(at: Position | null, projection: string): Promise<void> {
    if (at !== null) await this.status.waitForPosition(at, { projections: [projection], timeoutMs: this.waitMs });
  }

  private async ids(sql: string, params?: unknown[]): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(sql, params);
    return rows.map((row) => row.id);
  }
}
