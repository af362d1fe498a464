import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError, configFromProcess } from '#config';
import { ProblemDetailsFilter } from '../../api/src/infrastructure/problem-details.filter.js';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  const config = configFromProcess();
  const app = await NestFactory.create(WorkerModule.forRoot(config), { logger: ['log', 'warn', 'error', 'fatal'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  new Logger('Worker').log(`Worker running: projections, compliance, Kafka relay, alert notifier; health on port ${config.port}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(1);
});
