import { positionKey, type StoredEvent } from '#event-store';
import type { SqlProjection } from '#projections';
import { ALERT_EVENT_TYPES, isAlertEvent } from '#domain';

/**
 * The alerts read model: one row per alert id with its current occurrence (GET /alerts).
 * The runner applies each event once, in log order, in the transaction that moves the checkpoint;
 * `last_position` still guards each row, so a replay of an older event changes nothing. It holds
 * `positionKey(position)` (text in byte order, so any adapter's positions compare in log order).
 * Version 2: `last_position` became that key (it was a bigint, which only the SQL store's fit).
 */
export const alertsProjection: SqlProjection = {
  name: 'alerts',
  version: 2,
  handles: ALERT_EVENT_TYPES,
  tables: ['alerts'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('alerts')} (
      alert_id text PRIMARY KEY,
      rule text NOT NULL,
      severity text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
      board_id text,
      meeting_id text,
      agreement_id text,
      party text,
      reason text NOT NULL,
      breached_on date,
      occurrence integer NOT NULL,
      raised_at timestamptz NOT NULL,
      raised_recorded_at timestamptz NOT NULL,
      acknowledged_at timestamptz,
      acknowledged_by text,
      acknowledgement_note text,
      resolved_at timestamptz,
      resolution text,
      last_position text COLLATE "C" NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${t('alerts')}_status_idx ON ${t('alerts')} (status, raised_at);
    CREATE INDEX IF NOT EXISTS ${t('alerts')}_board_idx ON ${t('alerts')} (board_id);
    CREATE INDEX IF NOT EXISTS ${t('alerts')}_agreement_idx ON ${t('alerts')} (agreement_id);
  `,
  async apply({ tx, t }, stored: StoredEvent) {
    if (!isAlertEvent(stored)) return;
    const event = stored;
    const table = t('alerts');
    switch (event.type) {
      case 'AlertRaised': {
        const { alertId, rule, severity, subject, reason, breachedOn, occurrence } = event.data;
        // A new occurrence replaces the previous one's acknowledgement and resolution.
        await tx.query(
          `INSERT INTO ${table} (alert_id, rule, severity, status, board_id, meeting_id, agreement_id, party, reason,
                                 breached_on, occurrence, raised_at, raised_recorded_at, last_position)
           VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9::date, $10, $11, $12, $13)
           ON CONFLICT (alert_id) DO UPDATE SET
             rule = EXCLUDED.rule, severity = EXCLUDED.severity, status = 'open',
             board_id = EXCLUDED.board_id, meeting_id = EXCLUDED.meeting_id, agreement_id = EXCLUDED.agreement_id,
             party = EXCLUDED.party, reason = EXCLUDED.reason, breached_on = EXCLUDED.breached_on,
             occurrence = EXCLUDED.occurrence, raised_at = EXCLUDED.raised_at, raised_recorded_at = EXCLUDED.raised_recorded_at,
             acknowledged_at = NULL, acknowledged_by = NULL, acknowledgement_note = NULL,
             resolved_at = NULL, resolution = NULL, last_position = EXCLUDED.last_position
           WHERE ${table}.last_position < EXCLUDED.last_position`,
          [
            alertId,
            rule,
            severity,
            subject.boardId,
            subject.meetingId,
            subject.agreementId,
            subject.party,
            reason,
            breachedOn,
            occurrence,
            event.occurredAt,
            event.recordedAt,
            positionKey(event.position),
          ],
        );
        return;
      }
      case 'AlertAcknowledged':
        await tx.query(
          `UPDATE ${table} SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, acknowledgement_note = $4,
                  last_position = $5
            WHERE alert_id = $1 AND last_position < $5`,
          [
            event.data.alertId,
            event.occurredAt,
            event.data.acknowledgedBy,
            event.data.note,
            positionKey(event.position),
          ],
        );
        return;
      case 'AlertResolved':
        await tx.query(
          `UPDATE ${table} SET status = 'resolved', resolved_at = $2, resolution = $3, last_position = $4
            WHERE alert_id = $1 AND last_position < $4`,
          [event.data.alertId, event.occurredAt, event.data.reason, positionKey(event.position)],
        );
        return;
      default: {
        const _exhaustive: never = event;
        return;
      }
    }
  },
};
