import { createEventStore } from '#event-store';
import { ensureProjectionSchema, rebuildProjection, type SqlProjection } from '#projections';
import { ProgressBar } from '../progress-bar.js';
import { UsageError, defineCommand } from './cli-command.js';

/**
 * Rebuilds read models from the log into new tables and swaps them in; the live tables keep serving
 * until the swap. With PostgreSQL the API and workers keep running meanwhile. Embedded PGlite
 * belongs to one process: stop the API before rebuilding its data directory.
 */
export const rebuildCommand = defineCommand({
  name: 'rebuild',
  usage: '[projection ...]',
  summary: 'Rebuild read models from the event log (all of them when none is named), then swap them in.',
  options: {},
  optionHelp: {},
  operands: {
    max: Number.POSITIVE_INFINITY,
    help: '[projection ...]: the read models to rebuild, by name (every read model when none is named).',
  },
  async run({ positionals: args }, io) {
    const known = new Map(io.projections.map((p) => [p.name, p]));
    const unknown = args.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new UsageError(
        `Unknown projection ${unknown.map((n) => `"${n}"`).join(', ')}: choose from ${[...known.keys()].join(', ')}.`,
      );
    }
    const chosen: SqlProjection[] =
      args.length > 0 ? [...new Set(args)].map((name) => known.get(name) as SqlProjection) : [...io.projections];

    const { db, store, close } = await createEventStore({
      databaseUrl: io.config.databaseUrl,
      dataDir: io.config.dataDir,
      eventStore: io.config.eventStore,
      kurrentDbUrl: io.config.kurrentDbUrl,
    });
    try {
      await ensureProjectionSchema(db, chosen);
      let totalRead = 0;
      for (const projection of chosen) {
        const bar = new ProgressBar(io.stderr, projection.name.padEnd(Math.max(...chosen.map((p) => p.name.length))));
        // The events up to the head the rebuild started from, counted beside the rebuild: the SQL
        // store subtracts positions, KurrentDB reads the log to count, and the bar should not wait.
        let total: number | null = null;
        // Held in an object: the callback sets it, which a plain `let` would hide from the type checker.
        const counting: { done: Promise<void> | null } = { done: null };
        const result = await rebuildProjection(db, store, projection, {
          onProgress: (p) => {
            counting.done ??= (
              p.target === null ? Promise.resolve(0) : store.eventsBetween(null, p.target, Number.MAX_SAFE_INTEGER)
            )
              .then((n) => {
                total = n;
              })
              .catch(() => {}); // uncounted, the bar shows the count and the rate only
            bar.update(p.eventsRead, total);
          },
        });
        await counting.done;
        bar.finish(result.eventsRead, total);
        totalRead += result.eventsRead;
        const seconds = (result.durationMs / 1000).toFixed(1);
        io.stdout.write(
          `rebuilt ${projection.name} (version ${result.version}): ${result.eventsRead} events read, ${result.eventsApplied} applied, ` +
            `${result.parked} parked, checkpoint ${result.position ?? 'none'}, in ${seconds} s\n`,
        );
        if (result.parked > 0) {
          io.stderr.write(
            `${projection.name}: ${result.parked} event(s) could not be applied and were parked; see processor_parked.\n`,
          );
        }
      }
      io.stdout.write(
        `${chosen.length} read model${chosen.length === 1 ? '' : 's'} rebuilt from ${totalRead} events.\n`,
      );
      return 0;
    } finally {
      await close();
    }
  },
});
