import {
  context,
  ROOT_CONTEXT,
  trace,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Spans of the service (docs/operations.md, "Tracing"). Every lib names this one tracer; with no SDK
 * registered (OTEL_EXPORTER_OTLP_ENDPOINT unset) it is the API's no-op tracer and a span costs a call.
 */
export const TRACER_NAME = 'governance-tracker';

const tracer = () => trace.getTracer(TRACER_NAME);

type Headers = Record<string, string | string[] | undefined>;

const getter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** Ours, not the global propagator: the header format does not depend on what an SDK registered. */
const w3c = new W3CTraceContextPropagator();

/**
 * Runs `fn` in a new active span, ended when it settles; a thrown error marks the span and is rethrown.
 * `links` name other traces the work belongs to (the appends of the events a batch handles).
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  links?: () => Link[],
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    // Only worth building when the span is recorded: never with the no-op tracer.
    if (links && span.isRecording()) span.addLinks(links());
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The W3C `traceparent` of the active span, when one is being recorded: what an append stores beside
 * the correlation id. Undefined with tracing off (the no-op tracer records nothing), so nothing is stored.
 */
export function activeTraceparent(): string | undefined {
  if (!trace.getActiveSpan()?.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(context.active(), carrier, setter);
  return carrier.traceparent;
}

/** The context an incoming W3C `traceparent` (and `tracestate`) names; the active one when absent or malformed. */
export function contextFromHeaders(headers: Headers): Context {
  return w3c.extract(context.active(), headers, getter);
}

/** Links to the appends of these events (those stored with a traceparent), for a batch's span. */
export function linksToAppends(events: readonly { traceparent?: string }[]): Link[] {
  const links: Link[] = [];
  for (const { traceparent } of events) {
    if (traceparent === undefined) continue;
    const spanContext = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, { traceparent }, getter));
    if (spanContext) links.push({ context: spanContext });
  }
  return links;
}

/** A well-formed W3C traceparent (version 00): what the store accepts in an event's metadata. */
export const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
