import type { SchedulerRegistry } from '@nestjs/schedule';
import type { ComplianceEvaluator, EvaluateAllResult, EvaluatorLogger } from './compliance-evaluator.js';

/** The name of the tick's interval in @nestjs/schedule's SchedulerRegistry. */
export const COMPLIANCE_TICK_INTERVAL = 'compliance-tick';

/** setInterval cannot wait longer than this (2^31 - 1 ms, about 24.8 days); a longer delay would fire at once. */
const MAX_INTERVAL_MS = 2_147_483_647;

export interface TickStatus {
  intervalMs: number;
  scheduled: boolean;
  running: boolean;
  ticks: number;
  lastTickAt: string | null;
  lastDurationMs: number | null;
  lastResult: { boards: number; agreements: number; raised: number; resolved: number; failures: number } | null;
  lastError: { message: string; at: string } | null;
}

const silent: EvaluatorLogger = { log: () => {}, warn: () => {}, error: () => {} };

/**
 * The clock tick: every `intervalMs`, evaluate every board and agreement, because most breaches
 * (a meeting overdue, a review date passing) arise from time passing, not from a new event.
 * The interval is a dynamic one registered in SchedulerRegistry (configurable, unlike @Interval()).
 * A tick still running when the next is due is not overlapped: the next one is skipped.
 */
export class ComplianceTick {
  private inFlight: Promise<EvaluateAllResult | null> | null = null;
  private readonly current: TickStatus;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly evaluator: ComplianceEvaluator,
    intervalMs: number,
    private readonly logger: EvaluatorLogger = silent,
  ) {
    if (!Number.isInteger(intervalMs) || intervalMs < 1 || intervalMs > MAX_INTERVAL_MS) {
      throw new Error(
        `The compliance tick must be a whole number of milliseconds from 1 to ${MAX_INTERVAL_MS} (about 24 days), not ${intervalMs}.`,
      );
    }
    this.current = {
      intervalMs,
      scheduled: false,
      running: false,
      ticks: 0,
      lastTickAt: null,
      lastDurationMs: null,
      lastResult: null,
      lastError: null,
    };
  }

  status(): TickStatus {
    return {
      ...this.current,
      running: this.inFlight !== null,
      scheduled: this.registry.doesExist('interval', COMPLIANCE_TICK_INTERVAL),
    };
  }

  start(): void {
    if (this.registry.doesExist('interval', COMPLIANCE_TICK_INTERVAL)) return;
    const handle = setInterval(() => void this.tick(), this.current.intervalMs);
    this.registry.addInterval(COMPLIANCE_TICK_INTERVAL, handle);
  }

  /** Clears the interval and waits for a tick in flight. */
  async stop(): Promise<void> {
    if (this.registry.doesExist('interval', COMPLIANCE_TICK_INTERVAL))
      this.registry.deleteInterval(COMPLIANCE_TICK_INTERVAL);
    await this.inFlight;
  }

  /** Runs one evaluation of everything now (also what the interval calls). Null when a tick was already running. */
  tick(): Promise<EvaluateAllResult | null> {
    if (this.inFlight) return Promise.resolve(null);
    this.inFlight = this.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async run(): Promise<EvaluateAllResult | null> {
    const started = Date.now();
    this.current.lastTickAt = new Date(started).toISOString();
    try {
      const result = await this.evaluator.evaluateAll();
      this.current.ticks++;
      this.current.lastDurationMs = Date.now() - started;
      this.current.lastResult = {
        boards: result.boards,
        agreements: result.agreements,
        raised: result.raised.length,
        resolved: result.resolved.length,
        failures: result.failures.length,
      };
      if (result.failures.length > 0) {
        const message = result.failures.map((f) => `${f.kind} ${f.id}: ${f.error}`).join('; ');
        this.current.lastError = { message, at: new Date().toISOString() };
        this.logger.warn(`compliance tick: ${result.failures.length} evaluation(s) failed: ${message}`);
      }
      return result;
    } catch (error) {
      // The tick must outlive a database blip: log, record, and try again at the next one.
      const message = error instanceof Error ? error.message : String(error);
      this.current.lastDurationMs = Date.now() - started;
      this.current.lastError = { message, at: new Date().toISOString() };
      this.logger.error(`compliance tick failed: ${message}`);
      return null;
    }
  }
}
