import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { ReferenceData } from '../commands/reference-data.js';
import { Clock } from '#platform';
import { ImportModule, type ImportModuleOptions } from './import.module.js';
import { importSeed, type ImportProgress, type ImportReport } from './importer.js';
import { readSeedFile } from './seed-file.js';

/** The seed file `npm run cli -- import` reads when none is named (relative to the working directory). */
export const DEFAULT_SEED_FILE = 'seeds/collaborations.json';

export interface ImportSeedFileOptions extends ImportModuleOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Nest's log levels; default errors only, so the command's own output stays readable. */
  logger?: false | LogLevel[];
}

/**
 * Reads and checks the file first (a bad file opens no database), then imports it in an
 * application context of its own and closes it.
 */
export async function importSeedFile(path: string, options: ImportSeedFileOptions): Promise<ImportReport> {
  const seed = await readSeedFile(path);
  const app = await NestFactory.createApplicationContext(ImportModule.forRoot(options), {
    logger: options.logger ?? ['error', 'fatal'],
    abortOnError: false,
  });
  try {
    return await importSeed(
      { bus: app.get(CommandBus), references: app.get(ReferenceData), clock: app.get(Clock) },
      seed,
      { source: path, onProgress: options.onProgress },
    );
  } finally {
    await app.close();
  }
}
