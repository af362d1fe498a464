import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApplicationModule } from '#application';
import type { AppConfig } from '#config';
import {
  BackgroundModule,
  type Clock,
  ConfigModule,
  HealthContributor,
  HealthContributors,
  HealthModule,
  LoggingModule,
  MetricsModule,
  TracingModule,
  PersistenceModule,
} from '#platform';
import {
  AlertNotifierHealthIndicator,
  AlertNotifierModule,
  alertNotifierOptionsFromConfig,
} from './notifier/alert-notifier.module.js';

@Injectable()
class NotifierHealth extends HealthContributor {
  constructor(
    private readonly notifier: AlertNotifierHealthIndicator,
    contributors: HealthContributors,
  ) {
    super();
    contributors.register(this);
  }
  check(indicators: HealthIndicatorService): HealthIndicatorResult {
    return this.notifier.check(indicators);
  }
}

/**
 * The worker of a split deployment: projections, the compliance evaluator, the Kafka relay and
 * the alert notifier, without the API (which then runs with WORKERS=off). It serves /health and /metrics only.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggingModule.forRoot(config),
        MetricsModule.forRoot('worker'),
        TracingModule,
        ConfigModule.forRoot(config, clock),
        PersistenceModule,
        HealthModule,
        // The compliance evaluator records alerts through the command bus.
        CqrsModule.forRoot(),
        ApplicationModule,
        BackgroundModule.forRoot(config, { run: true }),
        AlertNotifierModule.forRoot(alertNotifierOptionsFromConfig(config)),
      ],
      providers: [NotifierHealth],
    };
  }
}
