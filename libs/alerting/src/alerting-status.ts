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

export interface AlertingHealth {
  healthy: boolean;
  /** Sentences for the health endpoint and the log. */
  problems: string[];
  /** A stable code per problem, in the same order, for whoever may not read the errors themselves. */
  codes: string[];
  report: AlertingReport;
}

/** What the compliance evaluator, its tick and its event trigger are doing, for GET /health. */
export class AlertingStatus {
  constructor(
    private readonly evaluator: ComplianceEvaluator,
    private readonly tick: ComplianceTick | null,
    private readonly trigger: ComplianceTrigger | null,
  ) {}

  report(): AlertingReport {
    return {
      running: this.tick !== null || this.trigger !== null,
      evaluator: this.evaluator.stats(),
      tick: this.tick?.status() ?? null,
      trigger: this.trigger?.status() ?? null,
    };
  }

  health(): AlertingHealth {
    const report = this.report();
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
