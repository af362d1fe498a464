import {
  DEFAULT_SEED_FILE,
  formatProgress,
  formatReport,
  importSeedFile,
  importSucceeded,
  SeedFileError,
} from '#application';
import { UsageError, defineCommand } from './cli-command.js';

const isMissingFile = (error: unknown, file: string): boolean => {
  const e = error as NodeJS.ErrnoException | null;
  return e?.code === 'ENOENT' && e.path === file;
};

/**
 * Imports a seed file of collaborations through the command bus (the same handlers and deciders
 * as the HTTP API). Idempotent: a second run appends nothing. Embedded PGlite belongs to one
 * process: stop the API before importing into its data directory (or use IMPORT_ON_START).
 */
export const importCommand = defineCommand({
  name: 'import',
  usage: `[file]`,
  summary: `Import collaborations from a seed file (default ${DEFAULT_SEED_FILE}) through the domain; running it again changes nothing.`,
  options: {},
  optionHelp: {},
  operands: { max: 1, help: `[file]: the seed file to import (default ${DEFAULT_SEED_FILE}).` },
  async run({ positionals }, io) {
    const file = positionals[0] ?? DEFAULT_SEED_FILE;
    let report;
    try {
      report = await importSeedFile(file, {
        config: io.config,
        onProgress: (p) => io.stderr.write(`${formatProgress(p)}\n`),
      });
    } catch (error) {
      if (isMissingFile(error, file)) throw new UsageError(`There is no seed file at ${file}.`);
      if (error instanceof SeedFileError) {
        io.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
    io.stdout.write(formatReport(report));
    return importSucceeded(report) ? 0 : 1;
  },
});
