import type { AppConfig } from '#config';
import type { SqlProjection } from '#projections';
import type { ProgressStream } from '../progress-bar.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  config: AppConfig;
  /** The read models a command works on (default: every read model of the service). */
  projections: readonly SqlProjection[];
}

/** One subcommand of `npm run cli -- <name> ...`. */
export interface CliCommand {
  name: string;
  /** Arguments after the name, as the help shows them. */
  usage: string;
  summary: string;
  /** Resolves to the process exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
