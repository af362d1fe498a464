import type { AlertRule, AlertSeverity } from './alert.commands.js';
import type { AlertEvent, StoredAlertSubject } from './alert.events.js';

/** `open` and `acknowledged` are both active: the condition still holds. */
export type AlertStatus = 'none' | 'open' | 'acknowledged' | 'resolved';

export interface AlertState {
  status: AlertStatus;
  alertId: string;
  rule: AlertRule | null;
  severity: AlertSeverity | null;
  subject: StoredAlertSubject | null;
  reason: string | null;
  /** The first day of the breach the current (or last) occurrence tracks, when the rule can tell. */
  breachedOn: string | null;
  occurrence: number;
  /** Of the current (or last) occurrence. */
  raisedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
  resolvedAt: string | null;
}

export const initialAlertState = (): AlertState => ({
  status: 'none',
  alertId: '',
  rule: null,
  severity: null,
  subject: null,
  reason: null,
  breachedOn: null,
  occurrence: 0,
  raisedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  note: null,
  resolvedAt: null,
});

export const isAlertActive = (state: AlertState): boolean => state.status === 'open' || state.status === 'acknowledged';

export const evolveAlert = (state: AlertState, event: AlertEvent): AlertState => {
  switch (event.type) {
    case 'AlertRaised':
      return {
        ...initialAlertState(),
        status: 'open',
        alertId: event.data.alertId,
        rule: event.data.rule,
        severity: event.data.severity,
        subject: event.data.subject,
        reason: event.data.reason,
        // Alerts raised before breach dates were recorded have none.
        breachedOn: event.data.breachedOn ?? null,
        occurrence: event.data.occurrence,
        raisedAt: event.occurredAt,
      };
    case 'AlertAcknowledged':
      return {
        ...state,
        status: 'acknowledged',
        acknowledgedAt: event.occurredAt,
        acknowledgedBy: event.data.acknowledgedBy,
        note: event.data.note,
      };
    case 'AlertResolved':
      return { ...state, status: 'resolved', resolvedAt: event.occurredAt };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};
