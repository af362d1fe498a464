import { alertStreamId, isAlertEvent } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import { endOf } from '#projections';
import type { AlertView } from './alerts.queries.js';

const iso = (time: string): string => new Date(time).toISOString();

/**
 * One alert's view from its own events, in the order recorded, by the alerts read model's rule: a new occurrence
 * replaces the previous one's acknowledgement and resolution. Null before it was first raised.
 */
export function alertViewFrom(events: readonly StoredEvent[]): AlertView | null {
  let view = null as AlertView | null;
  for (const event of events) {
    if (!isAlertEvent(event)) continue;
    switch (event.type) {
      case 'AlertRaised': {
        const { alertId, rule, severity, subject, reason, breachedOn, occurrence } = event.data;
        view = {
          alertId,
          rule,
          severity,
          status: 'open',
          subject,
          reason,
          breachedOn,
          occurrence,
          raisedAt: iso(event.occurredAt),
          raisedRecordedAt: iso(event.recordedAt),
          acknowledgement: null,
          resolution: null,
          lastPosition: event.position,
        };
        break;
      }
      case 'AlertAcknowledged':
        if (view === null) break;
        view = {
          ...view,
          status: 'acknowledged',
          acknowledgement: { at: iso(event.occurredAt), by: event.data.acknowledgedBy, note: event.data.note },
          lastPosition: event.position,
        };
        break;
      case 'AlertResolved':
        if (view === null) break;
        view = {
          ...view,
          status: 'resolved',
          resolution: { at: iso(event.occurredAt), reason: event.data.reason },
          lastPosition: event.position,
        };
        break;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }
  return view;
}

/** An alert as the record stood at `knownAt` (a date: the end of that day, UTC): only its events recorded by then. */
export async function alertKnownAt(
  store: Pick<EventStore, 'readStream'>,
  alertId: string,
  knownAt: string,
): Promise<AlertView | null> {
  const recordedUntil = Date.parse(endOf(knownAt));
  const events = await store.readStream(alertStreamId(alertId));
  return alertViewFrom(events.filter((e) => Date.parse(e.recordedAt) <= recordedUntil));
}
