import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { CHAIN_KEPT_BY_SQL_ONLY, createEventStore, exportEvents } from '#event-store';
import { ProgressBar } from '../progress-bar.js';
import { UsageError, defineCommand } from './cli-command.js';

type Writable = { write(text: string): unknown; once?: (event: 'drain', listener: () => void) => unknown };

/**
 * Exports the log (or one stream) with every event's hash and previous hash as NDJSON, for an
 * auditor to keep and to check offline with `verify --file`. The header line says what a stream
 * export can and cannot prove on its own.
 */
export const exportCommand = defineCommand({
  name: 'export',
  usage: '[--stream <streamId>] [--out <file>]',
  summary:
    'Export the event log (or one stream) with its hashes as NDJSON, to a file or stdout; verify it with verify --file.',
  options: { stream: { type: 'string' }, out: { type: 'string' } },
  optionHelp: {
    stream: { value: '<streamId>', text: 'Export this stream only (its events can be checked alone, not its links).' },
    out: { value: '<file>', text: 'Write the export to this file instead of stdout.' },
  },
  async run({ values }, io) {
    if (values.stream === '') throw new UsageError('--stream needs a stream id, e.g. agreement-zephyr.');
    if (values.out === '') throw new UsageError('--out needs a file name.');

    if (io.config.eventStore !== 'sql') {
      io.stderr.write(`${CHAIN_KEPT_BY_SQL_ONLY}\n`);
      return 2;
    }
    const { db, close } = await createEventStore({ databaseUrl: io.config.databaseUrl, dataDir: io.config.dataDir });
    const file = values.out === undefined ? null : await open(values.out, 'w');
    const stdout = io.stdout as Writable;
    const write = file
      ? (text: string) => file.write(text)
      : async (text: string) => {
          if (stdout.write(text) === false && stdout.once)
            await once(stdout as unknown as NodeJS.EventEmitter, 'drain');
        };
    try {
      const bar = new ProgressBar(io.stderr, 'export');
      let total: number | null = null;
      const { header, events } = await exportEvents(db, {
        streamId: values.stream,
        write,
        onProgress: (p) => {
          total = values.stream === undefined && p.headPosition !== null ? Number(p.headPosition) : null;
          bar.update(p.events, total);
        },
      });
      bar.finish(events, total);
      const what =
        header.scope === 'stream' ? `stream ${header.streamId} (revisions 0..${header.lastRevision})` : 'the whole log';
      const summary =
        `Exported ${events} events of ${what} up to log position ${header.headPosition ?? 'none'} (head hash ${header.headHash ?? 'none'})` +
        `${file ? ` to ${values.out}` : ''}. Check it with: npm run cli -- verify --file <file>\n`;
      // With no --out the events are stdout: the summary goes to stderr.
      (file ? io.stdout : io.stderr).write(summary);
      return 0;
    } finally {
      await file?.close();
      await close();
    }
  },
});
