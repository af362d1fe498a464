import { Injectable, type NestMiddleware } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { contextFromHeaders, TRACER_NAME } from '#event-store';
import { routeOf } from '../logging.module.js';

/**
 * One server span per request, a child of the caller's W3C `traceparent` when it sends one, active
 * while the request is handled so the command and append spans (and the traceparent stored with the
 * events) belong to it. Ended when the response is finished or the connection closed.
 */
@Injectable()
export class HttpTracingMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const parent = contextFromHeaders(request.headers);
    const span = trace
      .getTracer(TRACER_NAME)
      .startSpan(
        `${request.method} request`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': request.path } },
        parent,
      );
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      const route = routeOf(request);
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.once('finish', end);
    response.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  }
}
