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
import { EventStore, migrateProcessors, SqlDatabase } from '#event-store';
import type { AppConfig } from '#config';
import { EventPublisher } from './event-publisher.port.js';
import { KafkajsEventPublisher } from './kafkajs/kafkajs-event-publisher.adapter.js';
import type { KafkaClientOptions } from './kafkajs/kafka-client.js';
import { RelayLease, type RelayLeaseOptions } from './lease/relay-lease.js';
import { EventRelay, type RelayOptions, type RelayStatus } from './relay/event-relay.js';

export interface MessagingOptions {
  /** Kafka bootstrap brokers; empty → Kafka off (embedded default): no relay, /health says so. */
  brokers: string[];
  kafka?: Omit<KafkaClientOptions, 'brokers'>;
  relay?: RelayOptions;
  /** Takeover timing of the lease that lets one relay of a name publish at a time across processes. */
  lease?: RelayLeaseOptions;
}

/** The messaging options that follow from the service configuration. */
export function messagingOptionsFromConfig(config: Pick<AppConfig, 'kafkaBrokers'>): MessagingOptions {
  return { brokers: config.kafkaBrokers };
}

export const MESSAGING_OPTIONS = Symbol('MessagingOptions');

export type RelayHealthStatus = RelayStatus | { state: 'disabled' | 'standby'; reason: string };

/**
 * Owns the relay's lifecycle: migrations and start on bootstrap (when brokers are configured),
 * stop on shutdown after the batch in hand was acknowledged and checkpointed.
 */
@Injectable()
export class RelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  readonly relay: EventRelay | null;
  private readonly publisher: EventPublisher | null;
  private readonly lease: RelayLease | null;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
  ) {
    if (options.brokers.length === 0) {
      this.publisher = null;
      this.relay = null;
      this.lease = null;
    } else {
      this.publisher = new KafkajsEventPublisher({ ...options.kafka, brokers: options.brokers });
      this.relay = new EventRelay(store, db, this.publisher, options.relay);
      this.lease = new RelayLease(db, this.relay.name, options.lease);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.relay) {
      this.logger.log('Kafka is off (KAFKA_BROKERS is not set): events are not relayed');
      return;
    }
    await migrateProcessors(this.db);
    // Several workers may run: only the holder of the lease relays, the others stand by to take over.
    const relay = this.relay;
    this.lease!.start(
      () => relay.start(),
      () => relay.stop(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease?.stop();
    await this.relay?.stop();
    await this.publisher?.close();
  }

  async status(): Promise<RelayHealthStatus> {
    if (!this.relay) return { state: 'disabled', reason: 'KAFKA_BROKERS is not set' };
    if (!this.lease?.held) return { state: 'standby', reason: 'another instance holds the relay lease and publishes' };
    return this.relay.status();
  }
}

/**
 * The relay's contribution to /health under the key `kafka`: down while it cannot publish
 * (with the last error and how far behind it is), up when running or when Kafka is off.
 * Its shape matches the API's HealthContributor, so the app registers it there.
 */
@Injectable()
export class RelayHealthIndicator {
  constructor(private readonly lifecycle: RelayLifecycle) {}

  async check(indicators: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const indicator = indicators.check('kafka');
    let status: RelayHealthStatus;
    try {
      status = await this.lifecycle.status();
    } catch (error) {
      return indicator.down({ state: 'unknown', error: (error as Error).message });
    }
    if ('reason' in status) return indicator.up({ state: status.state, reason: status.reason });
    const details = {
      state: status.state,
      position: status.position,
      headPosition: status.headPosition,
      lag: status.lag,
      published: status.published,
      consecutiveFailures: status.consecutiveFailures,
      lastError: status.lastError,
    };
    return status.state === 'running' ? indicator.up(details) : indicator.down(details);
  }
}

/**
 * The Kafka relay as a Nest module. Needs EventStore and SqlDatabase from a global persistence
 * module. Register RelayHealthIndicator with the app's health contributors.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return MessagingModule.build({ provide: MESSAGING_OPTIONS, useValue: options });
  }

  /** E.g. `{ inject: [APP_CONFIG], useFactory: messagingOptionsFromConfig }`. */
  static forRootAsync(options: Pick<FactoryProvider<MessagingOptions>, 'inject' | 'useFactory'>): DynamicModule {
    return MessagingModule.build({
      provide: MESSAGING_OPTIONS,
      inject: options.inject,
      useFactory: options.useFactory,
    });
  }

  private static build(optionsProvider: Provider): DynamicModule {
    return {
      module: MessagingModule,
      providers: [optionsProvider, RelayLifecycle, RelayHealthIndicator],
      exports: [RelayLifecycle, RelayHealthIndicator],
    };
  }
}
