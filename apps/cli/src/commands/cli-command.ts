import { parseArgs, type ParseArgsConfig } from 'node:util';
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

/** One subcommand of `npm run cli -- <name> ...`, as `runCli` sees it. */
export interface CliCommand {
  readonly name: string;
  /** Arguments after the name, as the help shows them. */
  readonly usage: string;
  readonly summary: string;
  /** The text `<name> --help` prints. */
  help(): string;
  /** Parses the arguments after the name (a UsageError when they break the rules) and runs; resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `parseArgs` gives for these options: string options are strings, `multiple` ones arrays. */
export type CommandLine<O extends Options> = {
  values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];
  /** The operands after the options (only for a command that declares `operands`). */
  positionals: string[];
};

export interface CommandSpec<O extends Options> {
  name: string;
  usage: string;
  summary: string;
  /** The options, in `node:util` `parseArgs` form, each with the line `--help` shows for it. */
  options: O;
  optionHelp: { [K in keyof O]: { value?: string; text: string } };
  /** The operands the command takes after its options; none when absent. */
  operands?: { max: number; help: string };
  run(line: CommandLine<O>, io: CliIo): Promise<number>;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;

/**
 * Makes a command whose arguments are parsed one way for every command: `node:util` `parseArgs`,
 * strict, so an unknown option or a missing value is a UsageError (exit code 2); `--help` (`-h`)
 * prints the command's usage and options instead of running it.
 */
export function defineCommand<const O extends Options>(spec: CommandSpec<O>): CliCommand {
  const help = (): string => {
    const lines: [string, string][] = [
      ...Object.entries(spec.options).map(([name, option]): [string, string] => {
        const { value = '<value>', text } = spec.optionHelp[name as keyof O];
        const short = option.short === undefined ? '' : `-${option.short}, `;
        return [`${short}--${name}${option.type === 'string' ? ` ${value}` : ''}`, text];
      }),
      ['-h, --help', 'Show this help.'],
    ];
    const width = Math.max(...lines.map(([flag]) => flag.length));
    return [
      `Usage: npm run cli -- ${spec.name} ${spec.usage}`,
      '',
      spec.summary,
      ...(spec.operands === undefined ? [] : ['', spec.operands.help]),
      '',
      'Options:',
      ...lines.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
      '',
    ].join('\n');
  };
  return {
    name: spec.name,
    usage: spec.usage,
    summary: spec.summary,
    help,
    async run(args, io) {
      let parsed;
      try {
        parsed = parseArgs({
          args: [...args],
          options: { ...spec.options, ...HELP },
          strict: true,
          allowPositionals: true,
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      // parseArgs types its values for the options it sees; these are the spec's options plus --help.
      const { help: wantsHelp, ...values } = parsed.values as { help?: boolean } & CommandLine<O>['values'];
      if (wantsHelp === true) {
        io.stdout.write(help());
        return 0;
      }
      const max = spec.operands?.max ?? 0;
      if (parsed.positionals.length > max) {
        throw new UsageError(
          max === 0
            ? `Unexpected argument "${parsed.positionals[0]}": ${spec.name} takes options only.`
            : `Give at most ${max} operand(s), not ${parsed.positionals.length}: ${parsed.positionals.join(' ')}.`,
        );
      }
      return spec.run({ values: values as CommandLine<O>['values'], positionals: parsed.positionals }, io);
    },
  };
}
