import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; from a fast read to a write waiting on a busy database. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const APPEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The Prometheus registry of one process (API or worker) and the metrics updated as things happen.
 * One registry per application rather than prom-client's global one, so several apps in one
 * process (the HTTP tests) do not register the same metric twice. Gauges that are read from the
 * database on scrape (projections, relay, alerts, pool) are added by MetricsCollectors.
 * No label carries a principal, an id or a raw URL: routes are templates, events are counted by type.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its response, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'governance_event_append_duration_seconds',
    help: 'Time an append to the event store took, by outcome (appended, replayed, conflict, error).',
    labelNames: ['outcome'] as const,
    buckets: APPEND_BUCKETS,
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'governance_events_appended_total',
    help: 'Events appended to the event store by this process, by event type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor(readonly role: 'api' | 'worker') {
    this.registry.setDefaultLabels({ process: role });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The text exposition format (`text/plain; version=0.0.4`). */
  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
