import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AlertingModule, AlertingStatus, alertsProjection } from '#alerting';
import type { AppConfig } from '#config';
import { CheckpointLifecycle, CheckpointsModule, MessagingModule, messagingOptionsFromConfig, RelayHealthIndicator } from '#messaging';
import { ProjectionsModule, ProjectionStatus, READ_MODEL_PROJECTIONS, type ProjectionHealth } from '#projections';
import { HealthContributor, HealthContributors } from './health/health.http.controller.js';
import { Clock } from './infrastructure/clock.js';

/** Every read model, including the alerts the compliance evaluator raises. */
export const ALL_PROJECTIONS = [...READ_MODEL_PROJECTIONS, alertsProjection];

@Injectable()
class ProjectionsHealth extends HealthContributor {
  constructor(
    private readonly status: ProjectionStatus,
    contributors: HealthContributors,
  ) {
    super();
    contributors.register(this);
  }
  async check(indicators: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const indicator = indicators.check('projections');
    let health: ProjectionHealth;
    try {
      health = await this.status.health();
    } catch (error) {
      // The event store or the database cannot be read (KurrentDB unreachable, say): down, with why, not a 500.
      return indicator.down({ problems: [`projection status unavailable: ${(error as Error).message}`], projections: [] });
    }
    const details = { problems: health.problems, projections: health.projections };
    return health.healthy ? indicator.up(details) : indicator.down(details);
  }
}

@Injectable()
class AlertingHealth extends HealthContributor {
  constructor(
    private readonly status: AlertingStatus,
    contributors: HealthContributors,
  ) {
    super();
    contributors.register(this);
  }
  async check(indicators: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const health = this.status.health();
    const indicator = indicators.check('compliance');
    const details = { problems: health.problems, report: health.report };
    return health.healthy ? indicator.up(details) : indicator.down(details);
  }
}

@Injectable()
class KafkaHealth extends HealthContributor {
  constructor(
    private readonly relay: RelayHealthIndicator,
    contributors: HealthContributors,
  ) {
    super();
    contributors.register(this);
  }
  check(indicators: HealthIndicatorService): Promise<HealthIndicatorResult> {
    return this.relay.check(indicators);
  }
}

@Injectable()
class CheckpointsHealth extends HealthContributor {
  constructor(
    private readonly checkpoints: CheckpointLifecycle,
    contributors: HealthContributors,
  ) {
    super();
    contributors.register(this);
  }
  async check(indicators: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const indicator = indicators.check('checkpoints');
    const status = this.checkpoints.status();
    // The code and the position only: what failed is in the log, not for unauthenticated callers.
    const details = {
      state: status.state,
      ...(status.reason ? { reason: status.reason } : {}),
      lastCheckpoint: status.lastCheckpoint,
      ...(status.lastError ? { lastError: status.lastError.code } : {}),
    };
    return status.state === 'retrying' ? indicator.down(details) : indicator.up(details);
  }
}

/**
 * The background work over the event log: projections into read models, the compliance evaluator
 * (clock tick + event trigger), the Kafka relay and the signed checkpoints of the hash chain. With `run: false` (WORKERS=off, beside a
 * separate apps/worker) this process still provides their status and queries but runs none of them.
 */
@Module({})
export class BackgroundModule {
  static forRoot(config: AppConfig, { run }: { run: boolean }): DynamicModule {
    return {
      module: BackgroundModule,
      global: true,
      imports: [
        ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run }),
        AlertingModule.forRoot({ complianceTickMs: config.complianceTickMs, run, clock: Clock }),
        MessagingModule.forRoot({ ...messagingOptionsFromConfig(config), ...(run ? {} : { brokers: [] }) }),
        CheckpointsModule.forRoot({ config: config.checkpoints, brokers: config.kafkaBrokers, run: run && config.eventStore === 'sql' }),
      ],
      providers: [ProjectionsHealth, AlertingHealth, KafkaHealth, CheckpointsHealth],
      exports: [ProjectionsModule, AlertingModule, MessagingModule, CheckpointsModule],
    };
  }
}
