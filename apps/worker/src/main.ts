import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ConfigurationError, configFromProcess } from '#config';
import { ProblemDetailsFilter, startTracing } from '#platform';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  const config = configFromProcess();
  // Before the app, so every span it makes reaches the exporter; TracingModule stops it with the app.
  startTracing(config, 'governance-tracker-worker');
  const app = await NestFactory.create(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  new Logger('Worker').log(
    `Worker running: projections, compliance, Kafka relay, alert notifier; /health and /metrics on port ${config.port}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(1);
});
