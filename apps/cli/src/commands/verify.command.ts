import { parseArgs } from 'node:util';
import { CHAIN_KEPT_BY_SQL_ONLY, createEventStore, verifyExport, verifyLog, type ChainBreak, type ExportVerification } from '#event-store';
import { ProgressBar } from '../progress-bar.js';
import { UsageError, type CliCommand } from './cli-command.js';

const numeric = (position: string | null): number | null => (position !== null && /^\d+$/.test(position) ? Number(position) : null);

export function describeBreak(broken: ChainBreak): string {
  return [
    `Chain BROKEN at position ${broken.position ?? 'unknown'}${broken.line === undefined ? '' : ` (line ${broken.line})`}: ${broken.reason}`,
    `  ${broken.detail}`,
    ...(broken.expected === null ? [] : [`  expected: ${broken.expected}`]),
    ...(broken.actual === null ? [] : [`  actual:   ${broken.actual}`]),
    `  ${broken.events} event(s) before it verified.`,
    '',
  ].join('\n');
}

/**
 * Walks the hash chain of the live log (the configured database) or, with --file, of an export
 * offline. Exit code 0 when intact, 1 at the first break, naming its position.
 */
export const verifyCommand: CliCommand = {
  name: 'verify',
  usage: '[--file <export.ndjson>]',
  summary: 'Check the hash chain of the event log, or of an export file offline; exit 1 naming the first broken position.',
  async run(args, io) {
    let file: string | undefined;
    try {
      ({ file } = parseArgs({ args: [...args], options: { file: { type: 'string' } }, strict: true }).values);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const bar = new ProgressBar(io.stderr, 'verify');
    if (file !== undefined) {
      const result: ExportVerification = await verifyExport(file, { onProgress: (p) => bar.update(p.events, null) });
      bar.finish(result.events, null);
      if (!result.ok) {
        io.stdout.write(`${file}: ${describeBreak(result)}`);
        return 1;
      }
      const scope =
        result.scope === 'stream'
          ? `stream ${result.streamId}: ${result.events} events, every own hash and revision checked, ${result.linksChecked} link(s) between ` +
            'consecutive log positions checked (links through other streams need the whole log)'
          : `whole log: ${result.events} events, every hash and link checked`;
      io.stdout.write(`${file}: chain intact (${scope}); head position ${result.headPosition ?? 'none'}, head hash ${result.headHash}.\n`);
      return 0;
    }

    if (io.config.eventStore !== 'sql') {
      io.stderr.write(`${CHAIN_KEPT_BY_SQL_ONLY}\n`);
      return 2;
    }
    const { db, close } = await createEventStore({ databaseUrl: io.config.databaseUrl, dataDir: io.config.dataDir });
    try {
      let total: number | null = null;
      const result = await verifyLog(db, {
        onProgress: (p) => {
          total = numeric(p.headPosition);
          bar.update(p.events, total);
        },
      });
      bar.finish(result.events, total);
      if (!result.ok) {
        io.stdout.write(describeBreak(result));
        return 1;
      }
      io.stdout.write(
        `Chain intact: ${result.events} events verified, head position ${result.headPosition ?? 'none'}, head hash ${result.headHash}.\n` +
          'Record the head hash: a later verify must still reach it (the chain alone cannot show events cut off its end).\n',
      );
      return 0;
    } finally {
      await close();
    }
  },
};
