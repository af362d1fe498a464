import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { EventStore } from '#event-store';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { descendsFrom, drafting, parentOf, registerInMemoryTracing, traceparentOf } from './support.js';

/*
 * One trace follows a command from the HTTP request to the stored event (docs/operations.md,
 * "Tracing"): the real application on embedded PGlite, with an in-memory exporter registered.
 */

const tracing = registerInMemoryTracing();
let api: ApiHarness;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

beforeAll(async () => {
  api = await startApi();
});

afterAll(async () => {
  await api?.close();
  await tracing.unregister();
});

beforeEach(() => tracing.exporter.reset());

describe('trace propagation from a request to the stored event', () => {
  test("a POST with a traceparent makes the request, command and append spans in the caller's trace", async () => {
    const res = await api.admin
      .post('/agreements')
      .set('traceparent', traceparentOf(TRACE_ID, CALLER_SPAN))
      .send(drafting('traced'));
    expect(res.status).toBe(201);

    const spans = await tracing.spansOnce(/^POST /);
    const request = spans.find((s) => s.name === 'POST /agreements');
    const command = spans.find((s) => s.name === 'command DraftAgreement');
    const append = spans.find((s) => s.name === 'event-store append');
    expect(request).toBeDefined();
    expect(command).toBeDefined();
    expect(append).toBeDefined();
    for (const span of [request!, command!, append!]) expect(span.spanContext().traceId).toBe(TRACE_ID);
    // The request span is the caller's child; the command and the append descend from it.
    expect(parentOf(request!)).toBe(CALLER_SPAN);
    expect(descendsFrom(command!, request!, spans)).toBe(true);
    expect(descendsFrom(append!, command!, spans)).toBe(true);

    const [event] = await api.app.get(EventStore).readStream('agreement-traced');
    // The append span's context, beside the correlation id: the relay hands it on to Kafka.
    expect(event?.traceparent).toBe(traceparentOf(TRACE_ID, append!.spanContext().spanId));
  });

  test('a POST without a traceparent starts a trace of its own, and its event names that trace', async () => {
    const res = await api.admin.post('/agreements').send(drafting('untraced-caller'));
    expect(res.status).toBe(201);

    const spans = await tracing.spansOnce(/^POST /);
    const request = spans.find((s) => s.name === 'POST /agreements');
    expect(request).toBeDefined();
    expect(parentOf(request!)).toBeUndefined();
    const [event] = await api.app.get(EventStore).readStream('agreement-untraced-caller');
    expect(event?.traceparent?.split('-')[1]).toBe(request!.spanContext().traceId);
  });

  test('a malformed traceparent is ignored: the request starts a new trace and is answered as usual', async () => {
    const res = await api.admin.post('/agreements').set('traceparent', 'not-a-trace').send(drafting('bad-header'));
    expect(res.status).toBe(201);
    const spans = await tracing.spansOnce(/^POST /);
    const request = spans.find((s) => s.name === 'POST /agreements');
    expect(request).toBeDefined();
    expect(parentOf(request!)).toBeUndefined();
  });

  test('the projection batches that apply the event link to its append', async () => {
    const res = await api.admin
      .post('/agreements')
      .set('traceparent', traceparentOf(TRACE_ID, CALLER_SPAN))
      .send(drafting('projected'));
    expect(res.status).toBe(201);
    const [event] = await api.app.get(EventStore).readStream('agreement-projected');
    const spans = await tracing.spansOnce(/^projection batch /);
    const batches = spans.filter((s) => s.name.startsWith('projection batch '));
    expect(batches.length).toBeGreaterThan(0);
    expect(
      batches.some((b) =>
        b.links.some((l) => l.context.traceId === TRACE_ID && event?.traceparent?.includes(l.context.spanId)),
      ),
    ).toBe(true);
  });
});
