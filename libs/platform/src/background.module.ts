import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AlertingModule, AlertingStatus, alertsProjection, type AlertingHealth } from '#alerting';
import type { AppConfig } from '#config';
import {
  CheckpointLifecycle,
  CheckpointsModule,
  MessagingModule,
  messagingOptionsFromConfig,
  RelayHealthIndicator,
} from '#messaging';
import { ProjectionsModule, ProjectionStatus, READ_MODEL_PROJECTIONS, type ProjectionHealth } from '#projections';
import { HealthContributor, HealthContributors, type HealthView } from './health/health.http.controller.js';
import { Clock } from './clock.js';

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
  async check(indicators: HealthIndicatorService, view: HealthView): Promise<HealthIndicatorResult> {
    const indicator = indicators.check('projections');
    let health: ProjectionHealth;
    try {
      health = await this.status.health();
    } catch (error) {
      // The event store or the database cannot be read (KurrentDB unreachable, say): down, with why, not a 500.
      const why = view === 'operator' ? `: ${(error as Error).message}` : ' (code projection-status-unavailable)';
      return indicator.down({ problems: [`projection status unavailable${why}`], projections: [] });
    }
    const details =
      view === 'operator'
        ? { problems: health.problems, projections: health.projections }
        : publicProjectionHealth(health);
    return health.healthy ? indicator.up(details) : indicator.down(details);
  }
}

/** A copy without the `message` of any error in it: the public view keeps when, not what. */
export function withoutErrorText<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutErrorText) as T;
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([key, v]) => !(key === 'message' && typeof v === 'string'));
  return Object.fromEntries(entries.map(([key, v]) => [key, withoutErrorText(v)])) as T;
}

/** The projections' health without the text of their errors (a parked event's error is often SQL). */
export function publicProjectionHealth(health: ProjectionHealth): { problems: string[]; projections: object[] } {
  const problems: string[] = [];
  for (const p of health.projections) {
    if (p.parked > 0) {
      problems.push(
        `${p.name} has ${p.parked} parked event${p.parked === 1 ? '' : 's'} it could not apply (code projection-event-parked).`,
      );
    }
    if (p.runner === 'failed')
      problems.push(`${p.name}'s runner has failed and is restarting (code projection-runner-failed).`);
  }
  // Lag sentences carry only names and counts.
  problems.push(...health.problems.filter((problem) => / events behind the head of the log\.$/.test(problem)));
  const projections = health.projections.map(({ lastError, ...report }) => ({
    ...report,
    lastError: lastError === null ? null : { code: 'projection-apply-failed', at: lastError.at },
  }));
  return { problems, projections };
}

@Injectable()
class AlertingHealthContributor extends HealthContributor {
  constructor(
    private readonly status: AlertingStatus,
    contributors: HealthContributors,
  ) {
    super();
    contributors.register(this);
  }
  async check(indicators: HealthIndicatorService, view: HealthView): Promise<HealthIndicatorResult> {
    const indicator = indicators.check('compliance');
    let health: AlertingHealth;
    try {
      health = await this.status.health();
    } catch (error) {
      // The database or the event store cannot be read for the lag: down, with why, not a 500.
      const why = view === 'operator' ? `: ${(error as Error).message}` : ' (code compliance-status-unavailable)';
      return indicator.down({ problems: [`compliance status unavailable${why}`] });
    }
    const details =
      view === 'operator'
        ? { problems: health.problems, report: health.report }
        : { problems: health.codes.map((code) => `code ${code}`), report: withoutErrorText(health.report) };
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
  async check(indicators: HealthIndicatorService, view: HealthView): Promise<HealthIndicatorResult> {
    const result = await this.relay.check(indicators);
    if (view === 'operator') return result;
    // The broker's errors name hosts and topics: the public view says only that there was one.
    const kafka = result.kafka;
    if (kafka === undefined) return result;
    const { error, lastError, ...rest } = kafka;
    return {
      kafka: {
        ...rest,
        ...(error !== undefined ? { code: 'kafka-status-unavailable' } : {}),
        ...(lastError !== undefined
          ? {
              lastError:
                lastError === null ? null : { code: 'kafka-publish-failed', at: (lastError as { at?: unknown }).at },
            }
          : {}),
      },
    };
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
  check(indicators: HealthIndicatorService): HealthIndicatorResult {
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
 * The compliance evaluator records alerts through AlertCommands: compose it beside CqrsModule.forRoot()
 * and ApplicationModule (libs/application), which binds that port to the command bus.
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
        CheckpointsModule.forRoot({
          config: config.checkpoints,
          brokers: config.kafkaBrokers,
          run: run && config.eventStore === 'sql',
        }),
      ],
      providers: [ProjectionsHealth, AlertingHealthContributor, KafkaHealth, CheckpointsHealth],
      exports: [ProjectionsModule, AlertingModule, MessagingModule, CheckpointsModule],
    };
  }
}
