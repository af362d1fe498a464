import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AppConfig } from '#config';

/** The SDK `startTracing` started in this process; TracingModule flushes and stops it when the app shuts down. */
let running: NodeSDK | null = null;

/**
 * Starts the OpenTelemetry SDK before the app when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (docs/operations.md, "Tracing"): spans go in batches to `<endpoint>/v1/traces` over OTLP/HTTP.
 * No auto-instrumentation: the spans are the ones the service makes itself (request, command, append,
 * projection batch, relay batch). Off, nothing starts and the API's no-op tracer answers every call.
 */
export function startTracing(config: AppConfig, defaultServiceName: string): boolean {
  const endpoint = config.tracing.otlpEndpoint;
  if (endpoint === null || running !== null) return running !== null;
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const sdk = new NodeSDK({
    serviceName: config.tracing.serviceName ?? defaultServiceName,
    spanProcessors: [new BatchSpanProcessor(exporter)],
    instrumentations: [],
  });
  sdk.start();
  running = sdk;
  return true;
}

/** Exports the spans still buffered and stops the SDK; nothing to do with tracing off. */
export async function shutdownTracing(): Promise<void> {
  const sdk = running;
  running = null;
  await sdk?.shutdown();
}
