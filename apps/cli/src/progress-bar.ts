/** Where the bar draws: process.stderr, or a test's stream. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const WIDTH = 28;

/**
 * A one-line progress bar (stderr, so stdout keeps only the result). On a terminal it redraws in
 * place; elsewhere (CI logs, pipes) it prints a line at most every few seconds.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastLine = '';

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly intervalMs = stream.isTTY ? 100 : 5000,
  ) {}

  /** `total` null: unknown, so the bar shows the count and rate only. */
  update(done: number, total: number | null, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(done / seconds);
    const counts = total === null ? `${done} events` : `${done}/${Math.max(total, done)} events`;
    let bar = '';
    if (total !== null && total > 0) {
      const ratio = Math.min(done / total, 1);
      const filled = Math.round(ratio * WIDTH);
      bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% `;
    }
    const line = `${this.label} ${bar}${counts} ${rate} events/s`;
    if (!this.stream.isTTY && line === this.lastLine) return;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd(this.lastLine.length)}`);
    } else {
      this.stream.write(`${line}\n`);
    }
    this.lastLine = line;
  }

  /** Leaves the last state on its own line. */
  finish(done: number, total: number | null): void {
    this.update(done, total, true);
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
