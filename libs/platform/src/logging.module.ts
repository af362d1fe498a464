import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { DynamicModule } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { ConfigurationError, type AppConfig } from '#config';
import { actorDisplay } from '#event-store';
import { actorOf, principalOf } from './auth/principal.js';

/** The header a caller (or a gateway) sets to tie its requests to what they caused; echoed back on every response. */
export const CORRELATION_HEADER = 'X-Correlation-Id';
/** What a caller-chosen correlation id may look like (it ends up in the log, the envelope and Kafka headers). */
export const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Routes polled by machines (load balancers, Prometheus): a line per poll would drown the log. */
const QUIET_PATHS = new Set(['/health', '/metrics']);

export interface LoggingOptions {
  /** Silences every log line (the HTTP tests). */
  silent?: boolean;
  /** Writes JSON lines here instead of stdout (a test that reads the log). */
  destination?: DestinationStream;
  /** Whether to log a line per HTTP request; default true. */
  httpRequests?: boolean;
}

/**
 * The request's correlation id: the caller's X-Correlation-Id when well formed, a new UUID
 * otherwise. pino-http stores it as `request.id`; the command context puts the same value in the
 * envelope of every event the request appends, so a log line, an event and its Kafka message share it.
 */
export function correlationIdFor(request: IncomingMessage, response: ServerResponse): string {
  const header = request.headers[CORRELATION_HEADER.toLowerCase()];
  const given = Array.isArray(header) ? header[0] : header;
  const id = given !== undefined && CORRELATION_ID.test(given) ? given : randomUUID();
  response.setHeader(CORRELATION_HEADER, id);
  return id;
}

/** The route template (`/agreements/:id`) Express matched; never the raw URL, which carries ids. */
export function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  // No route, or only the catch-all the logging and metrics middleware are mounted on: a 404.
  return typeof path === 'string' && !path.includes('*') ? `${request.baseUrl}${path}` : 'unmatched';
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Whether this process logs for people (pino-pretty) or for a collector (JSON lines). */
export function usePrettyLogs(format: AppConfig['logFormat']): boolean {
  if (format === 'json') return false;
  const available = prettyAvailable();
  if (format === 'pretty' && !available) {
    throw new ConfigurationError([
      'LOG_FORMAT=pretty needs the pino-pretty package (a development dependency); use LOG_FORMAT=json.',
    ]);
  }
  return available;
}

/** nestjs-pino's parameters for this service: one line per request, with who, what, how long and the correlation id. */
export function loggingParams(
  config: Pick<AppConfig, 'logLevel' | 'logFormat'>,
  options: LoggingOptions = {},
): Params<Request, Response> {
  const pretty = !options.silent && !options.destination && usePrettyLogs(config.logFormat);
  const pinoHttp: NonNullable<Params<Request, Response>['pinoHttp']> = {
    level: options.silent ? 'silent' : config.logLevel,
    genReqId: correlationIdFor,
    // The line per request is written by HttpMetricsMiddleware from the same timing as the metrics
    // (writeRequestLine): pino-http's own timer and finish listener would time every request twice.
    autoLogging: false,
    // Never the headers: they carry bearer tokens.
    serializers: {
      req: (request: { method: string; url: string }) => ({ method: request.method, url: request.url }),
      res: (response: { statusCode: number }) => ({ status: response.statusCode }),
    },
    // The correlation id, on every line logged while handling the request.
    customProps: (request) => ({ correlationId: request.id }),
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              singleLine: true,
              translateTime: 'SYS:HH:MM:ss.l',
              ignore: 'pid,hostname,context',
              messageFormat: '{if context}[{context}] {end}{msg}',
            },
          },
        }
      : {}),
  };
  return { pinoHttp: options.destination ? [pinoHttp, options.destination] : pinoHttp };
}

/** Whether a request gets a line in the log (the `httpRequests` option and the machine-polled paths). */
export interface RequestLog {
  enabled(request: IncomingMessage): boolean;
}

/** The DI token of the RequestLog that LoggingModule provides to the middleware writing the lines. */
export const REQUEST_LOG = Symbol('REQUEST_LOG');

function requestLogFor(options: LoggingOptions): RequestLog {
  if (options.httpRequests === false) return { enabled: () => false };
  return { enabled: (request) => !QUIET_PATHS.has(request.url?.split('?')[0] ?? '') };
}

/**
 * The request's line, written once the response finished, when Express has matched the route and the
 * guard verified the principal; through the request's pino-http logger, so it carries `req` and the
 * correlation id. `durationMs` is the duration the metrics observed.
 */
export function writeRequestLine(request: Request, response: Response, route: string, durationMs: number): void {
  const log = (request as Request & { log?: Logger }).log;
  if (!log) return;
  const principal = principalOf(request);
  const status = response.statusCode;
  const fields = {
    res: response,
    durationMs: Math.round(durationMs),
    route,
    principal: principal ? actorDisplay(actorOf(principal)) : null,
  };
  if (status >= 500) log.error(fields, `${request.method} ${route} ${status} failed`);
  else if (status >= 400) log.warn(fields, `${request.method} ${route} ${status} ${fields.durationMs} ms`);
  else log.info(fields, `${request.method} ${route} ${status} ${fields.durationMs} ms`);
}

/** Structured logs (nestjs-pino) for the API and the worker; Nest's own Logger writes through it once `app.useLogger` is called. */
export class LoggingModule {
  static forRoot(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, options: LoggingOptions = {}): DynamicModule {
    const pino = LoggerModule.forRoot(loggingParams(config, options));
    const requestLog = { provide: REQUEST_LOG, useValue: requestLogFor(options) };
    return {
      module: LoggingModule,
      global: true,
      imports: [pino],
      providers: [requestLog],
      exports: [requestLog, pino],
    };
  }
}
