import { ConfigurationError, configFromProcess } from '#config';
import { runCli } from './cli.js';

async function main(): Promise<number> {
  let config;
  try {
    config = configFromProcess();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  return runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, config });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
