import { ConcurrencyError, type AppendResult, type EventStore } from '#event-store';
import type { Metrics } from './metrics.js';

/**
 * The event store with its appends timed and counted. A Proxy rather than a subclass: every other
 * member of the port passes straight through, so the adapter (and the port) can change without
 * this decorator having to follow, and `instanceof EventStore` still holds.
 */
export function instrumentEventStore(store: EventStore, metrics: Metrics): EventStore {
  const append: EventStore['append'] = async (streamId, events, options) => {
    const stop = metrics.appendDuration.startTimer();
    let result: AppendResult;
    try {
      result = await store.append(streamId, events, options);
    } catch (error) {
      stop({ outcome: error instanceof ConcurrencyError ? 'conflict' : 'error' });
      throw error;
    }
    stop({ outcome: result.replayed ? 'replayed' : 'appended' });
    if (!result.replayed) for (const event of events) metrics.eventsAppended.inc({ type: event.type });
    return result;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
