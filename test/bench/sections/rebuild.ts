import { ensureProjectionSchema, READ_MODEL_PROJECTIONS, rebuildProjections } from '#projections';
import type { BenchConfig } from '../config.js';
import type { Report } from '../lib/report.js';
import { now, progress, withPeakRss } from '../lib/stats.js';
import type { LogDatabase } from './catchup.js';

/**
 * Section 4: rebuild of every read model from the generated history through our projections
 * (`rebuildProjections`: one read of the log applied to all six in batches, each projection in its own
 * transaction per batch, concurrently), as a rebuild of every read model does.
 */
export async function rebuildBench(report: Report, config: BenchConfig, log: LogDatabase): Promise<void> {
  const { db, store } = log.handle;
  await ensureProjectionSchema(db, READ_MODEL_PROJECTIONS);
  for (let run = 0; run < config.rebuildRuns; run++) {
    const read = new Map<string, number>();
    const tick = progress(
      `rebuild run ${run + 1} (events read, summed over ${READ_MODEL_PROJECTIONS.length} projections)`,
      5000,
    );
    const t = now();
    const perProjection = new Map<string, number>();
    const { peakRss } = await withPeakRss(async () => {
      const results = await rebuildProjections(db, store, READ_MODEL_PROJECTIONS, {
        onProgress: (p) => {
          read.set(p.projection, p.eventsRead);
          tick(
            [...read.values()].reduce((a, b) => a + b, 0),
            log.events * READ_MODEL_PROJECTIONS.length,
          );
        },
      });
      for (const result of results) perProjection.set(result.projection, result.durationMs / 1000);
    });
    const seconds = (now() - t) / 1000;
    const eps = log.events / seconds;
    process.stderr.write(
      `  run ${run + 1}: ${seconds.toFixed(1)} s, ${eps.toFixed(0)} events/s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; ` +
        [...perProjection].map(([n, s]) => `${n} ${s.toFixed(0)} s`).join(', ') +
        '\n',
    );
    const label = `rebuild all ${READ_MODEL_PROJECTIONS.length} read models from ${(log.events / 1e6).toFixed(1)}M events`;
    report.add('rebuild.seconds', seconds, {
      section: '4 rebuild',
      label: `${label}: time`,
      unit: 's',
      // Issue 17: 30 s per million events (the goal is set at 1M; a smaller log gets its share).
      goal: {
        on: 'value',
        max: (30 * log.events) / 1e6,
        text: `≤ 30 s per 1M events (${((30 * log.events) / 1e6).toFixed(0)} s here)`,
      },
    });
    report.add('rebuild.eps', eps, { section: '4 rebuild', label: `${label}: events/s`, unit: 'events/s' });
    report.add('rebuild.rss', peakRss / 2 ** 20, {
      section: '4 rebuild',
      label: `${label}: peak RSS`,
      unit: 'MiB',
      goal: { on: 'value', max: 1024, text: '≤ 1 GB' },
    });
    for (const [name, s] of perProjection) {
      report.add(`rebuild.${name}`, s, { section: '4 rebuild', label: `  ${name} swapped after`, unit: 's' });
    }
  }
}
