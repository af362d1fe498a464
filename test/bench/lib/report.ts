import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { median } from './stats.js';

/** One measured figure: the median of its runs, and optionally its ratio to a peer measured in the same run. */
export interface Figure {
  id: string;
  section: string;
  label: string;
  unit: string;
  runs: number[];
  median: number;
  /** Another figure's id this one is compared with (ratio = this / peer). */
  peer?: string;
  ratio?: number;
  goal?: Goal;
  met?: boolean;
  note?: string;
}

/** A goal on the ratio (`on: 'ratio'`) or on the value itself. */
export interface Goal {
  on: 'ratio' | 'value';
  min?: number;
  max?: number;
  text: string;
}

export interface MachineInfo {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  /** pg_test_fsync: ops/s of the server's wal_sync_method with one 8 kB write. */
  fsync: { method: string; opsPerSecond: number | null; raw: string };
  kafka: string | null;
  emmett: string | null;
  scale: Record<string, number | string>;
  /** p50 of `SELECT 1` on one connection: the cost of one statement round trip. */
  roundTripMs: number;
}

export class Report {
  readonly figures = new Map<string, Figure>();
  readonly notes: string[] = [];

  /** Adds a run's value to a figure (created on first use). */
  add(id: string, value: number, meta: Omit<Figure, 'id' | 'runs' | 'median'>): void {
    let figure = this.figures.get(id);
    if (!figure) {
      figure = { id, runs: [], median: Number.NaN, ...meta };
      this.figures.set(id, figure);
    }
    figure.runs.push(value);
    figure.median = median(figure.runs);
  }

  note(text: string): void {
    this.notes.push(text);
    process.stderr.write(`  note: ${text}\n`);
  }

  /** Computes ratios and goal verdicts from the medians. */
  finish(): void {
    for (const f of this.figures.values()) {
      if (f.peer) {
        const peer = this.figures.get(f.peer);
        f.ratio = peer && peer.median > 0 ? f.median / peer.median : undefined;
      }
      if (f.goal) {
        const v = f.goal.on === 'ratio' ? f.ratio : f.median;
        f.met =
          v === undefined || Number.isNaN(v)
            ? undefined
            : (f.goal.min === undefined || v >= f.goal.min) && (f.goal.max === undefined || v <= f.goal.max);
      }
    }
  }

  table(): string[][] {
    const rows: string[][] = [['section', 'figure', 'median', 'unit', 'runs', 'vs peer', 'ratio', 'goal', 'met']];
    for (const f of this.figures.values()) {
      rows.push([
        f.section,
        f.label,
        fmt(f.median),
        f.unit,
        f.runs.map(fmt).join(' / '),
        f.peer ? (this.figures.get(f.peer)?.label ?? f.peer) : '',
        f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`,
        f.goal?.text ?? '',
        f.met === undefined ? (f.goal ? 'n/a' : '') : f.met ? 'yes' : 'NO',
      ]);
    }
    return rows;
  }

  text(): string {
    const rows = this.table().map((r) => r.filter((_, i) => i !== 4));
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    return rows
      .map((r) => r.map((c, i) => (i === 2 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '))
      .join('\n');
  }

  markdown(machine: MachineInfo): string {
    const rows = this.table();
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    const lines = [
      `### Benchmark (${machine.date.slice(0, 10)})`,
      '',
      `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB.toFixed(0)} GiB RAM, ${machine.platform}; Node ${machine.node}; ` +
        `${machine.postgres}; pg_test_fsync ${machine.fsync.method} ${machine.fsync.opsPerSecond?.toFixed(0) ?? '?'} ops/s (one 8 kB write), one SELECT 1 round trip ${machine.roundTripMs.toFixed(3)} ms (p50); ` +
        `Kafka ${machine.kafka ?? 'not run'}; Emmett ${machine.emmett ?? 'not run'}. Scale: ${Object.entries(
          machine.scale,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}.`,
      '',
      'Every figure is the median of the runs shown; a ratio is this figure divided by its peer, measured in the same `npm run bench` run, ' +
        'on the same PostgreSQL, with the same ~500-byte JSON payload.',
      '',
      `| ${rows[0]!.map(esc).join(' | ')} |`,
      `|${rows[0]!.map((_, i) => (i === 2 || i === 6 ? '---:' : '---')).join('|')}|`,
      ...rows.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`),
    ];
    if (this.notes.length > 0) lines.push('', 'Notes:', '', ...this.notes.map((n) => `- ${n}`));
    return lines.join('\n') + '\n';
  }

  async write(jsonPath: string, mdPath: string, machine: MachineInfo): Promise<void> {
    await mkdir(dirname(jsonPath), { recursive: true });
    const json = JSON.stringify({ machine, figures: [...this.figures.values()], notes: this.notes }, null, 2) + '\n';
    // Written next to the target first, so an interrupted run never leaves half a file.
    await writeFile(`${jsonPath}.tmp`, json);
    await rename(`${jsonPath}.tmp`, jsonPath);
    await writeFile(`${mdPath}.tmp`, this.markdown(machine));
    await rename(`${mdPath}.tmp`, mdPath);
  }
}

export function fmt(n: number): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  const a = Math.abs(n);
  if (a >= 100) return Math.round(n).toLocaleString('en-GB');
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
