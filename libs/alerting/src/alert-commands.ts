import { randomUUID } from 'node:crypto';
import { fold } from '#domain';
import { actorText, type EventStore } from '#event-store';
import {
  alertDecider,
  alertStreamId,
  isAlertEvent,
  type AlertCommand,
  type AlertEvent,
  type AlertState,
} from '#domain';

/** The actor of everything the evaluator records. */
export const COMPLIANCE_ACTOR = actorText({ kind: 'system', sub: 'compliance', force: null, issuer: null });

export interface AlertCommandContext {
  actor: string;
  correlationId: string;
  causationId?: string;
}

export interface AlertCommandResult {
  /** False when the command changed nothing (raising an open alert, resolving a closed one). */
  written: boolean;
}

/**
 * How alerting records an alert command. The application layer binds it to its command bus
 * (libs/application), so an alert is loaded, decided and appended by the same runner as every
 * other aggregate: a lost race reloads and decides again, and raising an open alert decides
 * nothing, so two evaluators raising the same alert at once record it once.
 */
export abstract class AlertCommands {
  abstract execute(command: AlertCommand, context: AlertCommandContext): Promise<AlertCommandResult>;
}

export async function loadAlert(store: EventStore, alertId: string): Promise<{ state: AlertState; revision: number }> {
  const history = await store.readStream(alertStreamId(alertId));
  const events = history.filter(isAlertEvent) as unknown as AlertEvent[];
  return { state: fold(alertDecider, events), revision: history.length - 1 };
}

export interface AcknowledgeAlertInput {
  alertId: string;
  /** The principal acknowledging (the request's actor). */
  acknowledgedBy: string;
  note?: string | null;
  /** The server clock. */
  now: Date;
  correlationId?: string;
}

/**
 * Records who acknowledged an open alert and why. Throws NotFoundError (no such alert) or
 * RuleBrokenError (already acknowledged or resolved).
 */
export function acknowledgeAlert(commands: AlertCommands, input: AcknowledgeAlertInput): Promise<AlertCommandResult> {
  return commands.execute(
    {
      type: 'AcknowledgeAlert',
      data: { alertId: input.alertId, acknowledgedBy: input.acknowledgedBy, note: input.note ?? null },
      metadata: { now: input.now.toISOString() },
    },
    { actor: input.acknowledgedBy, correlationId: input.correlationId ?? randomUUID() },
  );
}
