import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ConfigurationError, type AppConfig } from '#config';
import { FoldedStreams } from '#application';
import { AppModule } from './app.module.js';
import {
  type Clock,
  EVENT_STORE_DECORATOR,
  type EventStoreDecorator,
  LoggingModule,
  MetricsModule,
  ProblemDetailsFilter,
  TracingModule,
  validationPipe,
  verifyJsonBody,
} from '#platform';

export interface CreateAppOptions {
  clock?: Clock;
  /** false silences the logs (tests). */
  logger?: false;
  /** JSON log lines go here instead of stdout (a test that reads the log). */
  logDestination?: DestinationStream;
  /** Wraps the configured event store before anything uses it (see EVENT_STORE_DECORATOR). */
  decorateEventStore?: EventStoreDecorator;
}

@Global()
@Module({})
class EventStoreDecoratorModule {
  static forRoot(decorate: EventStoreDecorator): DynamicModule {
    const provider = { provide: EVENT_STORE_DECORATOR, useValue: decorate };
    return { module: EventStoreDecoratorModule, providers: [provider], exports: [provider] };
  }
}

/** The application and what surrounds it in every process that serves it: structured logs, /metrics and request spans. */
@Module({})
class ApiRootModule {
  static forRoot(config: AppConfig, options: CreateAppOptions): DynamicModule {
    return {
      module: ApiRootModule,
      imports: [
        LoggingModule.forRoot(config, { silent: options.logger === false, destination: options.logDestination }),
        MetricsModule.forRoot('api'),
        TracingModule,
        ...(options.decorateEventStore ? [EventStoreDecoratorModule.forRoot(options.decorateEventStore)] : []),
        AppModule.forRoot(config, options.clock),
      ],
    };
  }
}

/** Builds the HTTP application with everything main.ts and the HTTP tests share. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  // A PostgreSQL deployment must say how tokens are verified: never a generated secret by accident.
  if (config.auth.mode === 'unconfigured') throw new ConfigurationError([config.auth.reason]);
  const quiet = options.logger === false;
  const app = await NestFactory.create<NestExpressApplication>(ApiRootModule.forRoot(config, options), {
    // Nest's own messages (and every `new Logger(...)` in the code) go through pino once it is set up.
    ...(quiet ? { logger: false } : { bufferLogs: true }),
    bodyParser: false,
  });
  if (!quiet) app.useLogger(app.get(Logger));
  // A request whose headers or body never finish would hold its connection (and a parser) open for
  // Node's defaults of 60 s and 5 min: cut it (408) after HTTP_HEADERS_TIMEOUT / HTTP_REQUEST_TIMEOUT.
  // Node checks those every connectionsCheckingInterval (30 s by default): check every second.
  const server = app.getHttpServer();
  server.headersTimeout = config.httpTimeouts.headersMs;
  server.requestTimeout = config.httpTimeouts.requestMs;
  // Read when the server starts listening; typed only as a createServer option in @types/node.
  (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.min(
    1000,
    config.httpTimeouts.headersMs,
  );
  // Facts are small; a large or deeply nested body is a mistake or an attack. Nest leaves `verify`
  // out of the options' type because it sets it itself for `rawBody: true`, which this app never
  // asks for; otherwise it hands the options to body-parser as they are.
  const jsonOptions: NestExpressBodyParserOptionsFor<'json'> & { verify: typeof verifyJsonBody } = {
    limit: '100kb',
    verify: verifyJsonBody,
  };
  app.useBodyParser('json', jsonOptions);
  app.disable('x-powered-by');
  // Helmet's defaults, except upgrade-insecure-requests: a police intranet may serve the page over
  // plain http on a private host name (TLS usually ends at a proxy), where that directive would make
  // the browser fetch every asset over https and the page would not load.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // One request's lookups of a stream (write policy, reference data) read it once (FoldedStreams.inRequest).
  // After the body parser, whose callbacks would otherwise run outside the request's scope.
  const folded = app.get(FoldedStreams);
  app.use((_request: unknown, _response: unknown, next: () => void) => folded.inRequest(next));
  // Closed unless origins are configured: the API is for servers and the CLI, not arbitrary pages.
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id'],
      maxAge: 600,
    });
  }
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Collaboration governance tracker')
    .setDescription(
      'System of record for police collaboration agreements (Police Act 1996 s22A/s23A) and their governance boards. ' +
        'Every write is stored as an event; errors are RFC 9457 problem+json. Every endpoint but /health (and /metrics, for Prometheus) needs a bearer token ' +
        '(`npm run --silent cli -- token --role admin` prints one for a local service).',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  return app;
}
