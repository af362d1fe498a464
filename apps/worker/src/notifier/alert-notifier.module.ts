import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { EventStore, runMigrations, SqlDatabase } from '#event-store';
import { KafkajsMessageSubscriber, type KafkaClientOptions } from '#messaging';
import { AlertNotifier, type AlertNotifierOptions, type NotifierStatus } from './alert-notifier.js';
import type { AlertHistoryMode } from './delivery-watermark.js';
import { NOTIFIER_MIGRATIONS } from './seen-alerts.js';
import { WebhookSender, type WebhookSenderOptions } from './webhook-sender.js';

export interface AlertNotifierModuleOptions extends AlertNotifierOptions {
  /** Kafka bootstrap brokers; empty → the notifier is off. */
  brokers: string[];
  kafka?: Omit<KafkaClientOptions, 'brokers'>;
  delivery?: WebhookSenderOptions;
}

/** The notifier's options from the service configuration (ALERT_WEBHOOK_URLS, KAFKA_BROKERS, ALERT_NOTIFY_HISTORY). */
export function alertNotifierOptionsFromConfig(config: {
  kafkaBrokers: string[];
  alertWebhookUrls: string[];
  alertNotifyHistory: AlertHistoryMode;
}): AlertNotifierModuleOptions {
  return { brokers: config.kafkaBrokers, webhookUrls: config.alertWebhookUrls, history: config.alertNotifyHistory };
}

export const ALERT_NOTIFIER_OPTIONS = Symbol('AlertNotifierOptions');

export type AlertNotifierHealthStatus = NotifierStatus | { state: 'disabled'; reason: string };

/** Runs the notifier when Kafka and at least one webhook are configured. */
@Injectable()
export class AlertNotifierLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AlertNotifier');
  readonly notifier: AlertNotifier | null;
  private readonly subscriber: KafkajsMessageSubscriber | null;
  private readonly disabledReason: string | null;

  constructor(
    @Inject(ALERT_NOTIFIER_OPTIONS) options: AlertNotifierModuleOptions,
    private readonly db: SqlDatabase,
    store: EventStore,
  ) {
    this.disabledReason =
      options.brokers.length === 0
        ? 'KAFKA_BROKERS is not set'
        : options.webhookUrls.length === 0
          ? 'ALERT_WEBHOOK_URLS is not set'
          : null;
    if (this.disabledReason) {
      this.subscriber = null;
      this.notifier = null;
    } else {
      this.subscriber = new KafkajsMessageSubscriber({ ...options.kafka, brokers: options.brokers });
      this.notifier = new AlertNotifier(this.subscriber, db, store, new WebhookSender(options.delivery), options);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.notifier) {
      this.logger.log(`alert notifier off: ${this.disabledReason}`);
      return;
    }
    await runMigrations(this.db, NOTIFIER_MIGRATIONS);
    // Not awaited: joining retries in the background while the broker is unreachable.
    void this.notifier.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.notifier?.stop();
    await this.subscriber?.close();
  }

  status(): AlertNotifierHealthStatus {
    return this.notifier?.status() ?? { state: 'disabled', reason: this.disabledReason ?? '' };
  }
}

/** /health contribution under `alertNotifier`; same shape as the API's HealthContributor. */
@Injectable()
export class AlertNotifierHealthIndicator {
  constructor(private readonly lifecycle: AlertNotifierLifecycle) {}

  check(indicators: HealthIndicatorService): HealthIndicatorResult {
    const indicator = indicators.check('alertNotifier');
    const status = this.lifecycle.status();
    if (status.state === 'disabled' || status.state === 'running') return indicator.up({ ...status });
    return indicator.down({ ...status });
  }
}

/** The alert notifier as a Nest module; needs SqlDatabase and EventStore from a global persistence module. */
@Module({})
export class AlertNotifierModule {
  static forRoot(options: AlertNotifierModuleOptions): DynamicModule {
    return AlertNotifierModule.build({ provide: ALERT_NOTIFIER_OPTIONS, useValue: options });
  }

  static forRootAsync(
    options: Pick<FactoryProvider<AlertNotifierModuleOptions>, 'inject' | 'useFactory'>,
  ): DynamicModule {
    return AlertNotifierModule.build({
      provide: ALERT_NOTIFIER_OPTIONS,
      inject: options.inject,
      useFactory: options.useFactory,
    });
  }

  private static build(optionsProvider: Provider): DynamicModule {
    return {
      module: AlertNotifierModule,
      providers: [optionsProvider, AlertNotifierLifecycle, AlertNotifierHealthIndicator],
      exports: [AlertNotifierLifecycle, AlertNotifierHealthIndicator],
    };
  }
}
