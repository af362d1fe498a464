/**
 * Benchmark sizes. `BENCH_SCALE` multiplies every count (default 1: about 15 minutes on 2 cores);
 * `BENCH_EVENTS` sets the size of the generated history for catch-up and rebuild (default 1,000,000 × scale);
 * `BENCH_RUNS` the runs per figure (default 3, at least 3 for a median worth the name);
 * `BENCH_ONLY` a comma-separated list of sections (append,batch,import,catchup,rebuild,relay,http,pglite,embedded,reads).
 */
export interface BenchConfig {
  scale: number;
  runs: number;
  historyEvents: number;
  rebuildRuns: number;
  sections: Set<string>;
}

export const ALL_SECTIONS = [
  'append',
  'batch',
  'import',
  'catchup',
  'rebuild',
  'relay',
  'http',
  'pglite',
  'embedded',
  'reads',
] as const;

function numberFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${text}".`);
  return value;
}

export function loadBenchConfig(argv: string[]): BenchConfig {
  const only = (argv.find((a) => a.startsWith('--only='))?.slice(7) ?? process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((s) => !(ALL_SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`Unknown section(s) ${unknown.join(', ')}; choose from ${ALL_SECTIONS.join(', ')}.`);
  const scale = numberFrom('BENCH_SCALE', 1);
  const runs = Math.max(1, Math.round(numberFrom('BENCH_RUNS', 3)));
  return {
    scale,
    runs,
    historyEvents: Math.round(numberFrom('BENCH_EVENTS', 1_000_000 * scale)),
    rebuildRuns: Math.max(1, Math.round(numberFrom('BENCH_REBUILD_RUNS', 1))),
    sections: new Set(only.length > 0 ? only : ALL_SECTIONS),
  };
}

export const scaled = (config: BenchConfig, n: number): number => Math.max(1, Math.round(n * config.scale));
