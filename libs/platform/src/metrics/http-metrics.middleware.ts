import { Inject, Injectable, Optional, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_LOG, routeOf, writeRequestLine, type RequestLog } from '../logging.module.js';
import { Metrics } from './metrics.js';

/**
 * Times every request once and, when its response finishes (or is aborted), counts it, observes its
 * duration and writes its log line from that one measurement: pino-http no longer keeps its own
 * timer and finish listener (its autoLogging is off), so a request is timed and its route resolved once.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: Metrics,
    @Optional() @Inject(REQUEST_LOG) private readonly requestLog?: RequestLog,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    let done = false;
    const record = (): void => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(request);
      const labels = { method: request.method, route, status: String(response.statusCode) };
      this.metrics.httpRequests.inc(labels);
      this.metrics.httpDuration.observe(labels, seconds);
      if (this.requestLog?.enabled(request)) writeRequestLine(request, response, route, seconds * 1000);
    };
    response.once('finish', record);
    response.once('close', record);
    next();
  }
}
