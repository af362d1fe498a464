import { emmettAppender, ourAppender, rawAppender, type Appender } from '../lib/appenders.js';
import { freshDatabase } from '../lib/env.js';
import { benchEvents } from '../lib/payload.js';
import type { Goal, Report } from '../lib/report.js';
import { now, percentile } from '../lib/stats.js';
import type { BenchConfig } from '../config.js';

export interface AppendCase {
  /** Figure id prefix, e.g. `append1.w32`. */
  key: string;
  label: string;
  writers: number;
  eventsPerAppend: number;
  appendsPerWriter: number;
  goals?: { vsEmmett?: Goal; vsRaw?: Goal; p99VsEmmett?: Goal };
}

const STREAMS_PER_WRITER = 10;

/** The figure holding the measured WAL flush rate (pg_test_fsync), added by main.ts. */
export const WAL_FLUSH = 'machine.walflush';

/** Runs `writers` concurrent loops of appends; returns events/s and per-append latencies (ms). */
async function measure(
  appender: Appender,
  c: AppendCase,
  tag: string,
): Promise<{ eventsPerSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const started = now();
  await Promise.all(
    Array.from({ length: c.writers }, async (_, w) => {
      for (let j = 0; j < c.appendsPerWriter; j++) {
        const events = benchEvents(c.eventsPerAppend, j);
        const t = now();
        await appender.append(`bench-${tag}-${w}-${j % STREAMS_PER_WRITER}`, events);
        latencies.push(now() - t);
      }
    }),
  );
  const seconds = (now() - started) / 1000;
  return {
    eventsPerSecond: (c.writers * c.appendsPerWriter * c.eventsPerAppend) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Sections 1 and 2: our store vs raw INSERT vs Emmett, in one database each, runs interleaved. */
export async function appendBench(
  report: Report,
  config: BenchConfig,
  cases: AppendCase[],
  section: string,
): Promise<void> {
  const ours = await ourAppender(await freshDatabase('append_ours'));
  const rawUrl = await freshDatabase('append_raw');
  // raw_events copies the definition of our events table.
  const schemaOnly = await ourAppender(rawUrl);
  await schemaOnly.close();
  const raw = await rawAppender(rawUrl);
  const emmett = await emmettAppender(await freshDatabase('append_emmett'));
  const appenders: Appender[] = [ours, raw];
  if ('unavailable' in emmett) report.note(`Emmett not measured: ${emmett.unavailable}`);
  else appenders.push(emmett);

  try {
    for (const c of cases) {
      process.stderr.write(`${section} ${c.label}\n`);
      // Warm-up (connections, plans, JIT), not counted.
      for (const a of appenders)
        await measure(a, { ...c, appendsPerWriter: Math.max(2, Math.ceil(c.appendsPerWriter / 10)) }, `warm-${c.key}`);
      for (let run = 0; run < config.runs; run++) {
        // Rotate the order each run so no implementation always goes first.
        const order = appenders.map((_, i) => appenders[(i + run) % appenders.length]);
        for (const a of order) {
          const r = await measure(a!, c, `${c.key}-${run}`);
          const id = `${c.key}.${a!.name === 'ours' ? 'ours' : a!.name === 'Emmett' ? 'emmett' : 'raw'}`;
          const isOurs = a!.name === 'ours';
          report.add(`${id}.eps`, r.eventsPerSecond, {
            section,
            label: `${c.label}: ${a!.name} events/s`,
            unit: 'events/s',
            ...(isOurs && c.goals?.vsEmmett && appenders.length > 2
              ? { peer: `${c.key}.emmett.eps`, goal: c.goals.vsEmmett }
              : {}),
          });
          // The physical limit: an append is a commit, and a commit waits for a WAL flush (group commit
          // lets concurrent writers share one), so commits/s over the measured flush rate shows how near it is.
          if (report.figures.has(WAL_FLUSH))
            report.add(`${id}.commits`, r.eventsPerSecond / c.eventsPerAppend, {
              section,
              label: `${c.label}: ${a!.name} commits/s (vs WAL flush rate)`,
              unit: 'commits/s',
              peer: WAL_FLUSH,
            });
          report.add(`${id}.p50`, r.p50, { section, label: `${c.label}: ${a!.name} p50`, unit: 'ms' });
          report.add(`${id}.p99`, r.p99, {
            section,
            label: `${c.label}: ${a!.name} p99`,
            unit: 'ms',
            ...(isOurs && c.goals?.p99VsEmmett && appenders.length > 2
              ? { peer: `${c.key}.emmett.p99`, goal: c.goals.p99VsEmmett }
              : {}),
          });
          process.stderr.write(
            `  run ${run + 1} ${a!.name.padEnd(10)} ${r.eventsPerSecond.toFixed(0).padStart(7)} events/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms\n`,
          );
        }
      }
      // The ratio to the raw INSERT, as its own line (a figure has one peer).
      const oursRuns = report.figures.get(`${c.key}.ours.eps`)!.runs;
      for (const v of oursRuns) {
        report.add(`${c.key}.ours.eps.vsraw`, v, {
          section,
          label: `${c.label}: ours events/s (vs raw)`,
          unit: 'events/s',
          peer: `${c.key}.raw.eps`,
          ...(c.goals?.vsRaw ? { goal: c.goals.vsRaw } : {}),
        });
      }
    }
  } finally {
    for (const a of appenders) await a.close().catch(() => undefined);
  }
}
