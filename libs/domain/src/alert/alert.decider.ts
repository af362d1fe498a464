import type { Decider } from '../kernel/decider.js';
import { NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import {
  optionalText,
  requireCalendarDate,
  requireEntityId,
  requireOccurredAt,
  requireOneOf,
  requireText,
} from '../kernel/validation.js';
import { alertIdFor, normaliseAlertSubject } from './alert-id.js';
import {
  ALERT_RULES,
  ALERT_SEVERITIES,
  type AcknowledgeAlert,
  type AlertCommand,
  type RaiseAlert,
  type ResolveAlert,
} from './alert.commands.js';
import type { AlertEvent } from './alert.events.js';
import { evolveAlert, initialAlertState, isAlertActive, type AlertState } from './alert.state.js';

/**
 * Raising an alert that is already active is not an error but nothing to record: the evaluator
 * re-checks every condition on each tick, and the stable id makes a repeat land here. One occurrence
 * tracks one breach, though: when the breach it was raised for has ended and another has begun (a
 * backdated meeting ends a "never met" gap and starts a new one), the open occurrence is resolved and a
 * new one raised, so its reason and breach date are the current breach's (issue 15).
 */
const raiseAlert = (command: RaiseAlert, state: AlertState): AlertEvent[] => {
  if (!isAlertActive(state)) return raiseOccurrence(command, state);
  const { data, metadata } = command;
  const began = data.breachedOn ?? null;
  if (began === null || state.breachedOn === null || began === state.breachedOn || state.rule === null) return [];
  const newer = raiseOccurrence(command, state);
  const resolved: AlertEvent = {
    type: 'AlertResolved',
    occurredAt: metadata.now,
    data: {
      alertId: state.alertId,
      rule: state.rule,
      reason: `The breach that began on ${state.breachedOn} has ended; another began on ${began}.`,
    },
  };
  return [resolved, ...newer];
};

const raiseOccurrence = ({ data, metadata }: RaiseAlert, state: AlertState): AlertEvent[] => {
  const alertId = requireEntityId(data.alertId, 'alertId', 'alert');
  const rule = requireOneOf(data.rule, ALERT_RULES, 'rule', 'invalid-alert-rule', 'compliance rule');
  const severity = requireOneOf(data.severity, ALERT_SEVERITIES, 'severity', 'invalid-alert-severity', 'severity');
  const subject = normaliseAlertSubject(data.subject ?? {});
  if (Object.values(subject).every((value) => value === null)) {
    throw new ValidationError(
      'alert-subject-required',
      'Say what the alert is about (a board, meeting, agreement or party).',
      'subject',
    );
  }
  const expectedId = alertIdFor(rule, subject);
  if (alertId !== expectedId) {
    throw new ValidationError(
      'alert-id-mismatch',
      `An alert of rule ${rule} about this subject has the id "${expectedId}", not "${alertId}".`,
      'alertId',
    );
  }
  const reason = requireText(data.reason, 'reason', 'reason-required', 'Say in a sentence why the alert is raised.');
  const detectedAt = requireOccurredAt(data.detectedAt, metadata.now);
  const breachedOn =
    data.breachedOn === undefined || data.breachedOn === null
      ? null
      : requireCalendarDate(data.breachedOn, 'breachedOn', 'the breach');
  return [
    {
      type: 'AlertRaised',
      occurredAt: detectedAt,
      data: { alertId, rule, severity, subject, reason, breachedOn, occurrence: state.occurrence + 1 },
    },
  ];
};

const acknowledgeAlert = ({ data, metadata }: AcknowledgeAlert, state: AlertState): AlertEvent[] => {
  if (state.status === 'none' || state.rule === null) {
    throw new NotFoundError('alert-not-found', `There is no alert "${data.alertId}".`, 'alertId');
  }
  if (state.status === 'acknowledged') {
    throw new RuleBrokenError(
      'alert-already-acknowledged',
      `Alert "${state.alertId}" was already acknowledged by ${state.acknowledgedBy} at ${state.acknowledgedAt}.`,
      'alertId',
    );
  }
  if (state.status === 'resolved') {
    throw new RuleBrokenError(
      'alert-already-resolved',
      `Alert "${state.alertId}" was resolved at ${state.resolvedAt}: there is nothing open to acknowledge.`,
      'alertId',
    );
  }
  const acknowledgedBy = requireText(
    data.acknowledgedBy,
    'acknowledgedBy',
    'acknowledged-by-required',
    'Say who acknowledges the alert.',
  );
  return [
    {
      type: 'AlertAcknowledged',
      occurredAt: metadata.now,
      data: { alertId: state.alertId, rule: state.rule, acknowledgedBy, note: optionalText(data.note) },
    },
  ];
};

/** Resolving an alert that is not active records nothing: the condition was already known to be clear. */
const resolveAlert = ({ data, metadata }: ResolveAlert, state: AlertState): AlertEvent[] => {
  if (!isAlertActive(state) || state.rule === null) return [];
  const reason = requireText(data.reason, 'reason', 'reason-required', 'Say in a sentence why the alert is resolved.');
  return [
    { type: 'AlertResolved', occurredAt: metadata.now, data: { alertId: state.alertId, rule: state.rule, reason } },
  ];
};

export const decideAlert = (command: AlertCommand, state: AlertState): AlertEvent[] => {
  switch (command.type) {
    case 'RaiseAlert':
      return raiseAlert(command, state);
    case 'AcknowledgeAlert':
      return acknowledgeAlert(command, state);
    case 'ResolveAlert':
      return resolveAlert(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown alert command ${JSON.stringify(_exhaustive)}`);
    }
  }
};

export const alertDecider: Decider<AlertCommand, AlertEvent, AlertState> = {
  decide: decideAlert,
  evolve: evolveAlert,
  initialState: initialAlertState,
};
