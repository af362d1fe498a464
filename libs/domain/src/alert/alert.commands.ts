import type { Command } from '../kernel/decider.js';

/** The compliance rules (docs/domain.md, "Alerts and the compliance rules"); each alert is raised by exactly one. */
export const ALERT_RULES = [
  'meeting-cancelled-not-rearranged',
  'meeting-overdue',
  'meeting-outcome-missing',
  'no-meeting-scheduled',
  'inquorate-meeting',
  'review-overdue',
  'withdrawal-imminent',
  'withdrawal-outcome-missing',
  'planned-start-passed',
  'no-overseeing-board',
  'no-review-date',
  'no-accountability-board',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const ALERT_SEVERITIES = ['red', 'amber', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** What an alert is about. Which fields a rule fills is fixed per rule (a board, a meeting, an agreement, a party of it). */
export interface AlertSubject {
  boardId?: string | null;
  meetingId?: string | null;
  agreementId?: string | null;
  party?: string | null;
}

export type RaiseAlert = Command<
  'RaiseAlert',
  {
    /** Must be `alertIdFor(rule, subject)`: the same breach always has the same id. */
    alertId: string;
    rule: AlertRule;
    severity: AlertSeverity;
    subject: AlertSubject;
    /** One sentence a governance officer understands. */
    reason: string;
    /** When the service noticed the breach (the evaluator's clock, ISO 8601). */
    detectedAt: string;
    /** The first day the condition held (`YYYY-MM-DD`), when the rule can tell; it may be long before detectedAt. */
    breachedOn?: string | null;
  }
>;

export type AcknowledgeAlert = Command<
  'AcknowledgeAlert',
  { alertId: string; acknowledgedBy: string; note?: string | null }
>;

/** Issued by the evaluator when the alert's condition no longer holds. */
export type ResolveAlert = Command<'ResolveAlert', { alertId: string; reason: string }>;

export type AlertCommand = RaiseAlert | AcknowledgeAlert | ResolveAlert;
