import { READ_MODEL_PROJECTIONS } from '#projections';
import { UsageError, type CliCommand, type CliIo } from './commands/cli-command.js';
import { erasePersonCommand } from './commands/erase-person.command.js';
import { sealPersonalDataCommand } from './commands/seal-personal-data.command.js';
import { exportCommand } from './commands/export.command.js';
import { importCommand } from './commands/import.command.js';
import { rebuildCommand } from './commands/rebuild.command.js';
import { tokenCommand } from './commands/token.command.js';
import { verifyCommand } from './commands/verify.command.js';

/** Every subcommand; add new ones (import, verify, token, ...) here. */
export const COMMANDS: readonly CliCommand[] = [
  rebuildCommand,
  importCommand,
  tokenCommand,
  verifyCommand,
  exportCommand,
  erasePersonCommand,
  sealPersonalDataCommand,
];

export function helpText(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => `${c.name} ${c.usage}`.length));
  return [
    'Usage: npm run cli -- <command> [arguments]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${`${c.name} ${c.usage}`.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help (-h) for its options; an unknown option is refused (exit code 2).',
    'Configuration comes from the environment (DATABASE_URL, DATA_DIR), as for the API.',
    '',
  ].join('\n');
}

/** Runs one command line; resolves to the exit code (0 done, 1 failed, 2 bad usage). */
export async function runCli(
  argv: readonly string[],
  io: Omit<CliIo, 'projections'> & { projections?: CliIo['projections'] },
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(helpText(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`Unknown command "${name}".\n\n${helpText(commands)}`);
    return 2;
  }
  try {
    return await command.run(args, { ...io, projections: io.projections ?? READ_MODEL_PROJECTIONS });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\nUsage: npm run cli -- ${command.name} ${command.usage}\n`);
      return 2;
    }
    io.stderr.write(`${command.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
