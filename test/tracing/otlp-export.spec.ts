import { afterAll, expect, test } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { loadConfig } from '#config';
import { inSpan } from '#event-store';
import { shutdownTracing, startTracing } from '#platform';

/*
 * The SDK main.ts starts (docs/operations.md, "Tracing"): off without OTEL_EXPORTER_OTLP_ENDPOINT; with
 * it, the spans reach <endpoint>/v1/traces over OTLP/HTTP by the time the app has shut down.
 */

const received: { url: string | undefined; body: string }[] = [];
const collector = createServer((request: IncomingMessage, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    received.push({ url: request.url, body });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

afterAll(async () => {
  await shutdownTracing();
  trace.disable();
  context.disable();
  propagation.disable();
  collector.close();
});

test('without OTEL_EXPORTER_OTLP_ENDPOINT nothing starts and spans are not recorded', async () => {
  expect(startTracing(loadConfig({}), 'governance-tracker-test')).toBe(false);
  await inSpan('off', {}, (span) => {
    expect(span.isRecording()).toBe(false);
    return Promise.resolve();
  });
});

test('with an endpoint, spans are exported to <endpoint>/v1/traces when tracing shuts down', async () => {
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const { port } = collector.address() as AddressInfo;
  const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` });
  expect(startTracing(config, 'governance-tracker-test')).toBe(true);

  await inSpan('command DraftAgreement', { 'stream.id': 'agreement-otlp' }, (span) => {
    expect(span.isRecording()).toBe(true);
    return Promise.resolve();
  });
  await shutdownTracing();

  expect(received.map((r) => r.url)).toContain('/v1/traces');
  const exported = received.map((r) => r.body).join('\n');
  expect(exported).toContain('command DraftAgreement');
  expect(exported).toContain('agreement-otlp');
  expect(exported).toContain('governance-tracker-test');
});
