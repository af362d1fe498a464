import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigurationError, configFromProcess } from '#config';
import { startTracing } from '#platform';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  const config = configFromProcess();
  // Before the app, so every span it makes reaches the exporter; TracingModule stops it with the app.
  startTracing(config, 'governance-tracker-api');
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const url = (await app.getUrl())
    .replace('[::1]', 'localhost')
    .replace('0.0.0.0', 'localhost')
    .replace('127.0.0.1', 'localhost');
  new Logger('Main').log(`Collaboration governance tracker listening on ${url} (API docs: ${url}/docs)`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
