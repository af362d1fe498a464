import { processorLag, readCheckpoint, type EventStore, type Position, type SqlDatabase } from '#event-store';
import type { ComplianceEvaluator, EvaluatorStats } from './compliance-evaluator.js';
import type { ComplianceTick, TickStatus } from './compliance-tick.js';
import type { ComplianceTrigger, TriggerStatus } from './compliance-trigger.js';

export interface AlertingReport {
  /** False when this process only evaluates on request (AlertingModule `run: false`). */
  running: boolean;
  evaluator: EvaluatorStats;
  tick: TickStatus | null;
  trigger: TriggerStatus | null;
}

/**
 * The compliance trigger's checkpoint and how far it is behind the head of the log, read from the
 * database, so an API beside a separate worker reports what the worker's trigger has reached.
 */
export interface ComplianceLag {
  /** The trigger's checkpoint name. */
  name: string;
  /** Last event evaluated; null before the trigger has dealt with any (or never ran here or elsewhere). */
  position: Position | null;
  headPosition: Position | null;
  /** Events after the checkpoint up to the head, as the store counts them (`processorLag`); null when it cannot. */
  lag: number | null;
}

export interface AlertingHealth {
  healthy: boolean;
  /** Sentences for the health endpoint and the log. */
  problems: string[];
  /** A stable code per problem, in the same order, for whoever may not read the errors themselves. */
  codes: string[];
  report: AlertingReport & { checkpoint: ComplianceLag };
}

/** What the compliance evaluator, its tick and its event trigger are doing, for GET /health. */
export class AlertingStatus {
  constructor(
    private readonly evaluator: ComplianceEvaluator,
    private readonly tick: ComplianceTick | null,
    private readonly trigger: ComplianceTrigger | null,
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    /** The trigger's checkpoint name (ComplianceTriggerOptions.name). */
    private readonly triggerName = 'compliance-evaluator',
  ) {}

  /** The trigger's lag behind the head, counted as the projections' and the relay's are. */
  async lag(): Promise<ComplianceLag> {
    // The table exists once a processor has started somewhere; before that there is no checkpoint.
    const { rows } = await this.db.query<{ exists: boolean }>(
      "SELECT to_regclass('processor_checkpoints') IS NOT NULL AS exists",
    );
    const checkpoint = rows[0]?.exists ? await readCheckpoint(this.db, this.triggerName) : null;
    const position = checkpoint?.position ?? null;
    const head = await this.store.headPosition();
    return {
      name: this.triggerName,
      position,
      headPosition: head,
      lag: await processorLag(this.store, position, head),
    };
  }

  report(): AlertingReport {
    return {
      running: this.tick !== null || this.trigger !== null,
      evaluator: this.evaluator.stats(),
      tick: this.tick?.status() ?? null,
      trigger: this.trigger?.status() ?? null,
    };
  }

  async health(): Promise<AlertingHealth> {
    const report = { ...this.report(), checkpoint: await this.lag() };
    const problems: string[] = [];
    const codes: string[] = [];
    if (report.trigger && report.trigger.state === 'restarting') {
      codes.push('compliance-trigger-restarting');
      problems.push(
        `The compliance trigger lost its subscription to the log: ${report.trigger.lastError?.message ?? 'unknown error'}.`,
      );
    }
    if (
      report.tick &&
      report.tick.lastError &&
      report.tick.lastTickAt &&
      report.tick.lastError.at >= report.tick.lastTickAt
    ) {
      codes.push('compliance-tick-incomplete');
      problems.push(
        `The last compliance tick (${report.tick.lastTickAt}) did not evaluate everything: ${report.tick.lastError.message}`,
      );
    }
    return { healthy: problems.length === 0, problems, codes, report };
  }
}
