import { randomUUID } from 'node:crypto';
import { fold } from '#domain';
import { actorText, retryLostRaces, type AppendResult, type EventStore } from '#event-store';
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
  correlationId?: string;
  causationId?: string;
}

export interface AlertCommandResult {
  alertId: string;
  /** What was appended: empty when the command changed nothing (raising an open alert, resolving a closed one). */
  events: AlertEvent[];
  /** The state after the command. */
  state: AlertState;
  append: AppendResult | null;
}

export async function loadAlert(store: EventStore, alertId: string): Promise<{ state: AlertState; revision: number }> {
  const history = await store.readStream(alertStreamId(alertId));
  const events = history.filter(isAlertEvent) as unknown as AlertEvent[];
  return { state: fold(alertDecider, events), revision: history.length - 1 };
}

/**
 * Load, decide, append with the expected revision; on a concurrency conflict, reload and decide
 * again, with backoff, up to a bound. Two evaluators raising the same alert at once therefore record
 * it once: the loser sees the winner's AlertRaised on reload, and raising an open alert decides nothing.
 */
export async function executeAlertCommand(
  store: EventStore,
  command: AlertCommand,
  context: AlertCommandContext,
): Promise<AlertCommandResult> {
  const { alertId } = command.data;
  const streamId = alertStreamId(alertId);
  return retryLostRaces(streamId, async () => {
    const { state, revision } = await loadAlert(store, alertId);
    const events = alertDecider.decide(command, state);
    if (events.length === 0) return { alertId, events, state, append: null };
    const append = await store.append(
      streamId,
      events.map((event) => ({ type: event.type, occurredAt: event.occurredAt, data: event.data })),
      {
        expectedRevision: revision < 0 ? 'no-stream' : revision,
        actor: context.actor,
        correlationId: context.correlationId ?? randomUUID(),
        causationId: context.causationId,
      },
    );
    return { alertId, events, state: events.reduce(alertDecider.evolve, state), append };
  });
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
 * Records who acknowledged an open alert and why (POST /alerts/:id/acknowledgement). Throws
 * NotFoundError (no such alert) or RuleBrokenError (already acknowledged or resolved).
 */
export function acknowledgeAlert(store: EventStore, input: AcknowledgeAlertInput): Promise<AlertCommandResult> {
  return executeAlertCommand(
    store,
    {
      type: 'AcknowledgeAlert',
      data: { alertId: input.alertId, acknowledgedBy: input.acknowledgedBy, note: input.note ?? null },
      metadata: { now: input.now.toISOString() },
    },
    { actor: input.acknowledgedBy, correlationId: input.correlationId },
  );
}
