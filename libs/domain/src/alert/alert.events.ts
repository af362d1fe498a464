import type { DomainEvent } from '../kernel/decider.js';
import type { AlertRule, AlertSeverity } from './alert.commands.js';

export const alertStreamId = (alertId: string): string => `alert-${alertId}`;

/** The subject as stored: every field present, null when the rule does not use it. */
export interface StoredAlertSubject {
  boardId: string | null;
  meetingId: string | null;
  agreementId: string | null;
  party: string | null;
}

/** `occurredAt` is when the service detected the breach; `recordedAt` of the envelope is when it wrote it down. */
export type AlertRaised = DomainEvent<
  'AlertRaised',
  {
    alertId: string;
    rule: AlertRule;
    severity: AlertSeverity;
    subject: StoredAlertSubject;
    reason: string;
    breachedOn: string | null;
    /** 1 for the first time the condition was detected, 2 when it came back after being resolved, … */
    occurrence: number;
  }
>;

export type AlertAcknowledged = DomainEvent<
  'AlertAcknowledged',
  { alertId: string; rule: AlertRule; acknowledgedBy: string; note: string | null }
>;

export type AlertResolved = DomainEvent<'AlertResolved', { alertId: string; rule: AlertRule; reason: string }>;

export type AlertEvent = AlertRaised | AlertAcknowledged | AlertResolved;

const alertEventTypes = {
  AlertRaised: true,
  AlertAcknowledged: true,
  AlertResolved: true,
} satisfies Record<AlertEvent['type'], true>;

export const ALERT_EVENT_TYPES = Object.keys(alertEventTypes) as AlertEvent['type'][];

export const isAlertEvent = (event: { type: string }): event is AlertEvent =>
  Object.hasOwn(alertEventTypes, event.type);
