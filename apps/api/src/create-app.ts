import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LogLevel } from '@nestjs/common';
import helmet from 'helmet';
import { ConfigurationError, type AppConfig } from '#config';
import { AppModule } from './app.module.js';
import type { Clock } from './infrastructure/clock.js';
import { ProblemDetailsFilter } from './infrastructure/problem-details.filter.js';
import { validationPipe } from './infrastructure/validation.js';

const LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

export interface CreateAppOptions {
  clock?: Clock;
  /** false silences Nest's logger (tests). */
  logger?: false;
}

/** Builds the HTTP application with everything main.ts and the HTTP tests share. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  // A PostgreSQL deployment must say how tokens are verified: never a generated secret by accident.
  if (config.auth.mode === 'unconfigured') throw new ConfigurationError([config.auth.reason]);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.clock), {
    logger: options.logger === false ? false : LOG_LEVELS[config.logLevel],
    bodyParser: false,
  });
  // Facts are small; a large body is a mistake or an attack.
  app.useBodyParser('json', { limit: '100kb' });
  app.disable('x-powered-by');
  app.use(helmet());
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
        'Every write is stored as an event; errors are RFC 9457 problem+json. Every endpoint but /health needs a bearer token ' +
        '(`npm run --silent cli -- token --role admin` prints one for a local service).',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
