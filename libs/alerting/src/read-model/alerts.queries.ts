import { positionFromKey, type Position, type SqlExecutor } from '#event-store';
import type { AlertRule, AlertSeverity, StoredAlertSubject } from '#domain';
import type { PageWindow } from '#projections';

export const ALERT_VIEW_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertViewStatus = (typeof ALERT_VIEW_STATUSES)[number];

/** One alert as GET /alerts shows it. Times are ISO 8601 UTC; `breachedOn` is a date. */
export interface AlertView {
  alertId: string;
  rule: AlertRule;
  severity: AlertSeverity;
  status: AlertViewStatus;
  subject: StoredAlertSubject;
  reason: string;
  breachedOn: string | null;
  /** 1 the first time, 2 when it came back after being resolved, … */
  occurrence: number;
  /** When the service detected it (valid time of AlertRaised). */
  raisedAt: string;
  /** When it was written to the log (transaction time of AlertRaised). */
  raisedRecordedAt: string;
  acknowledgement: { at: string; by: string; note: string | null } | null;
  resolution: { at: string; reason: string } | null;
  /** Position of the last event applied to this alert. */
  lastPosition: Position;
}

export interface AlertFilter {
  status?: AlertViewStatus;
  boardId?: string;
  agreementId?: string;
  rule?: AlertRule;
  severity?: AlertSeverity;
}

interface AlertRow {
  alert_id: string;
  rule: AlertRule;
  severity: AlertSeverity;
  status: AlertViewStatus;
  board_id: string | null;
  meeting_id: string | null;
  agreement_id: string | null;
  party: string | null;
  reason: string;
  breached_on: string | null;
  occurrence: number;
  raised_at: string;
  raised_recorded_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
  resolved_at: string | null;
  resolution: string | null;
  last_position: string;
}

const iso = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

const COLUMNS = `alert_id, rule, severity, status, board_id, meeting_id, agreement_id, party, reason,
  to_char(breached_on, 'YYYY-MM-DD') AS breached_on, occurrence, ${iso('raised_at')}, ${iso('raised_recorded_at')},
  ${iso('acknowledged_at')}, acknowledged_by, acknowledgement_note, ${iso('resolved_at')}, resolution,
  last_position`;

/** Red before amber before info, as a number so it can sit in a row comparison. */
const SEVERITY_RANK = `CASE severity WHEN 'red' THEN 0 WHEN 'amber' THEN 1 ELSE 2 END`;

const toView = (row: AlertRow): AlertView => ({
  alertId: row.alert_id,
  rule: row.rule,
  severity: row.severity,
  status: row.status,
  subject: { boardId: row.board_id, meetingId: row.meeting_id, agreementId: row.agreement_id, party: row.party },
  reason: row.reason,
  breachedOn: row.breached_on,
  occurrence: Number(row.occurrence),
  raisedAt: row.raised_at,
  raisedRecordedAt: row.raised_recorded_at,
  acknowledgement:
    row.acknowledged_at !== null && row.acknowledged_by !== null
      ? { at: row.acknowledged_at, by: row.acknowledged_by, note: row.acknowledgement_note }
      : null,
  resolution: row.resolved_at !== null ? { at: row.resolved_at, reason: row.resolution ?? '' } : null,
  lastPosition: positionFromKey(row.last_position),
});

/**
 * Alerts matching every given filter: red before amber before info, then the most recently
 * raised first. A filter value is compared as given; the HTTP layer validates it first.
 */
export async function listAlerts(db: SqlExecutor, filter: AlertFilter = {}, page?: PageWindow): Promise<AlertView[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::text IS NULL OR board_id = $2)
        AND ($3::text IS NULL OR agreement_id = $3)
        AND ($4::text IS NULL OR rule = $4)
        AND ($5::text IS NULL OR severity = $5)
        AND ($6::text IS NULL OR (${SEVERITY_RANK}, -extract(epoch FROM alerts.raised_at), alert_id) >
             (SELECT ${SEVERITY_RANK}, -extract(epoch FROM a.raised_at), a.alert_id FROM alerts a WHERE a.alert_id = $6))
      ORDER BY ${SEVERITY_RANK}, alerts.raised_at DESC, alert_id
      LIMIT $7`,
    [
      filter.status ?? null,
      filter.boardId ?? null,
      filter.agreementId ?? null,
      filter.rule ?? null,
      filter.severity ?? null,
      page?.after?.[0] ?? null,
      page?.limit ?? null,
    ],
  );
  return rows.map(toView);
}

export async function getAlert(db: SqlExecutor, alertId: string): Promise<AlertView | null> {
  const { rows } = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE alert_id = $1`, [alertId]);
  return rows[0] ? toView(rows[0]) : null;
}
