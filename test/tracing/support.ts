import { context, propagation, trace } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * An SDK for a test file in place of the OTLP one (tracing off in the app's config): an in-memory
 * exporter behind a simple processor, and the AsyncLocalStorage context manager NodeTracerProvider
 * registers, as startTracing's NodeSDK does.
 */
export function registerInMemoryTracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  return {
    exporter,
    /** The finished spans once one whose name matches has ended (the request's span ends after the response). */
    async spansOnce(name: RegExp, timeoutMs = 5_000): Promise<ReadableSpan[]> {
      const deadline = Date.now() + timeoutMs;
      while (!exporter.getFinishedSpans().some((s) => name.test(s.name)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return exporter.getFinishedSpans();
    },
    async unregister() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

export const traceparentOf = (traceId: string, spanId: string): string => `00-${traceId}-${spanId}-01`;

export const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** Whether `span` descends from `ancestor` through the finished spans. */
export function descendsFrom(span: ReadableSpan, ancestor: ReadableSpan, spans: readonly ReadableSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  let parent = parentOf(span);
  while (parent !== undefined) {
    if (parent === ancestor.spanContext().spanId) return true;
    const next = byId.get(parent);
    parent = next && parentOf(next);
  }
  return false;
}

/** The body of a POST /agreements that drafts a fresh agreement. */
export const drafting = (id: string) => ({
  id,
  title: `Collaboration ${id}`,
  legalBasis: 's22A',
  businessArea: 'serious and organised crime',
  deliveryModel: 'host-force',
  parties: ['avon-somerset', 'dorset'],
  hostForce: 'avon-somerset',
  reviewDue: '2017-03-31',
  occurredAt: '2014-01-10',
});
