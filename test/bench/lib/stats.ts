/** Small statistics and timing helpers for the benchmark (no dependencies). */

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
};

export const now = (): number => performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples the process's resident set size while `work` runs; returns the peak in bytes. */
export async function withPeakRss<T>(work: () => Promise<T>, everyMs = 100): Promise<{ result: T; peakRss: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakRss: peak };
  } finally {
    clearInterval(timer);
  }
}

/** Progress on stderr, at most every `everyMs`, so long steps show they are alive. */
export function progress(label: string, everyMs = 2000): (done: number, total?: number) => void {
  let last = 0;
  const started = now();
  return (done, total) => {
    const t = now();
    if (t - last < everyMs && (total === undefined || done < total)) return;
    last = t;
    const secs = (t - started) / 1000;
    const pct = total ? ` ${((100 * done) / total).toFixed(0)}%` : '';
    process.stderr.write(
      `  … ${label}: ${done.toLocaleString('en-GB')}${total ? `/${total.toLocaleString('en-GB')}` : ''}${pct} (${secs.toFixed(0)} s)\n`,
    );
  };
}

/** A deterministic PRNG (mulberry32), so every run generates the same history. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
