/**
 * `npm run bench`: measures the event store, projections, relay and API against their peers on this
 * machine's PostgreSQL (and local Kafka broker), prints a table with ratios and writes
 * bench/results/latest.json and latest.md. See test/bench/README.md.
 */
import { ALL_SECTIONS, loadBenchConfig, scaled } from './config.js';
import { admin, createdDatabases, machineInfo } from './lib/env.js';
import { PAYLOAD_BYTES } from './lib/payload.js';
import { Report } from './lib/report.js';
import { appendBench, WAL_FLUSH } from './sections/append.js';
import { pgliteBench } from './sections/pglite.js';
import { rebuildBench } from './sections/rebuild.js';
import { relayBench } from './sections/relay.js';
import { httpBench } from './sections/http.js';
import { embeddedBench } from './sections/embedded.js';
import { catchUpBench, prepareLog, type LogDatabase } from './sections/catchup.js';
import { readsBench } from './sections/reads.js';

const config = loadBenchConfig(process.argv.slice(2));
const report = new Report();
const started = Date.now();

process.stderr.write(`measuring the machine (pg_test_fsync -s 1) …\n`);
const machine = await machineInfo({
  BENCH_SCALE: config.scale,
  BENCH_RUNS: config.runs,
  BENCH_EVENTS: config.historyEvents,
  payloadBytes: PAYLOAD_BYTES,
});
process.stderr.write(
  `${machine.cpus} CPUs, ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}, ${machine.postgres}, ` +
    `${machine.fsync.method} ${machine.fsync.opsPerSecond ?? '?'} ops/s\n`,
);

if (machine.fsync.opsPerSecond !== null && (config.sections.has('append') || config.sections.has('batch')))
  report.add(WAL_FLUSH, machine.fsync.opsPerSecond, {
    section: '1 append',
    label: `WAL flush rate: pg_test_fsync ${machine.fsync.method}, one 8 kB write (the physical limit of one writer's commits)`,
    unit: 'flushes/s',
  });

async function section(name: string, work: () => Promise<void>): Promise<void> {
  if (!config.sections.has(name) && name !== 'history') return;
  const t = Date.now();
  process.stderr.write(`\n== ${name} ==\n`);
  try {
    await work();
  } catch (error) {
    report.note(`section ${name} failed: ${(error as Error).stack ?? String(error)}`);
  }
  process.stderr.write(`== ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s ==\n`);
}

await section('append', () =>
  appendBench(
    report,
    config,
    [
      {
        key: 'append1.w1',
        label: '1 event/append, 1 writer',
        writers: 1,
        eventsPerAppend: 1,
        appendsPerWriter: scaled(config, 1500),
        goals: { vsRaw: { on: 'ratio', min: 0.8, text: '≥ 0.8× raw INSERT' } },
      },
      {
        key: 'append1.w32',
        label: '1 event/append, 32 writers',
        writers: 32,
        eventsPerAppend: 1,
        appendsPerWriter: scaled(config, 150),
        goals: {
          vsEmmett: { on: 'ratio', min: 1.5, text: '≥ 1.5× Emmett' },
          p99VsEmmett: { on: 'ratio', max: 1, text: '≤ 1× Emmett p99' },
        },
      },
    ],
    '1 append',
  ),
);

await section('batch', () =>
  appendBench(
    report,
    config,
    [
      {
        key: 'append100.w1',
        label: '100 events/append, 1 writer',
        writers: 1,
        eventsPerAppend: 100,
        appendsPerWriter: scaled(config, 150),
        goals: { vsEmmett: { on: 'ratio', min: 1.5, text: '≥ 1.5× Emmett' } },
      },
      {
        key: 'append100.w8',
        label: '100 events/append, 8 writers',
        writers: 8,
        eventsPerAppend: 100,
        appendsPerWriter: scaled(config, 40),
        goals: { vsEmmett: { on: 'ratio', min: 1.5, text: '≥ 1.5× Emmett' } },
      },
    ],
    '2 batch',
  ),
);

let log: LogDatabase | null = null;
const needLog = ['catchup', 'rebuild', 'relay'].some((s) => config.sections.has(s));
if (needLog) {
  await section('history', async () => {
    log = await prepareLog(report, config);
  });
  config.sections.delete('history');
}
await section('catchup', async () => {
  if (log) await catchUpBench(report, config, log);
});
await section('rebuild', async () => {
  if (log) await rebuildBench(report, config, log);
});
await section('relay', async () => {
  if (log) await relayBench(report, config, log, machine);
});
await section('http', () => httpBench(report, config));
await section('pglite', () => pgliteBench(report, config));
await section('embedded', () => embeddedBench(report, config));
await section('reads', () => readsBench(report, config));

report.finish();
const out = report.text();
process.stdout.write(`\n${out}\n`);
// Only a run of every section replaces latest.*; a partial run (BENCH_ONLY) writes partial.*.tmp (git-ignored).
const complete = ALL_SECTIONS.every((name) => config.sections.has(name));
const [jsonOut, mdOut] = complete
  ? ['bench/results/latest.json', 'bench/results/latest.md']
  : ['bench/results/partial.json.tmp', 'bench/results/partial.md.tmp'];
await report.write(jsonOut, mdOut, machine);
process.stderr.write(`\nwrote ${jsonOut} and ${mdOut} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
// The bench_* databases hold ~1.5 GB; BENCH_KEEP=1 keeps them for EXPLAIN ANALYZE afterwards.
if (process.env.BENCH_KEEP !== '1') {
  await admin(async (c) => {
    for (const name of createdDatabases)
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  }).catch(() => undefined);
}
// pg pools and kafkajs keep timers; the report is written, so end here.
process.exit(0);
