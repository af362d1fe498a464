import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { instrumentEventStore } from './metrics/instrumented-event-store.js';
import { Metrics } from './metrics/metrics.js';
import { createEventStore, EventStore, PersonKeys, SqlDatabase } from '#event-store';
import { personalDataSecretOf } from './auth/signing-secret.js';
import type { AppConfig } from '#config';
import { APP_CONFIG } from './config.module.js';
import { Clock } from './clock.js';

const PERSISTENCE = Symbol('persistence');

/**
 * Optional: a decorator put round the configured store before anything uses it (tests put the SQL
 * store behind KurrentDB-shaped positions with it, to run the read side on non-decimal positions).
 */
export const EVENT_STORE_DECORATOR = Symbol('EventStoreDecorator');
export type EventStoreDecorator = (store: EventStore) => EventStore;
type Persistence = Awaited<ReturnType<typeof createEventStore>>;

@Injectable()
class PersistenceLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Persistence');
  constructor(@Inject(PERSISTENCE) private readonly persistence: Persistence) {}

  async onApplicationShutdown(): Promise<void> {
    await this.persistence.store.close();
    await this.persistence.db.close();
    this.logger.log('event store closed');
  }
}

/**
 * The database (PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise), its migrations
 * and the event store over it. Read models live in the same database (docs/architecture.md, "The event path").
 */
@Global()
@Module({
  providers: [
    {
      provide: PERSISTENCE,
      inject: [APP_CONFIG, Clock],
      useFactory: async (config: AppConfig, clock: Clock): Promise<Persistence> => {
        const persistence = await createEventStore({
          databaseUrl: config.databaseUrl ?? undefined,
          dataDir: config.dataDir,
          eventStore: config.eventStore,
          kurrentDbUrl: config.kurrentDbUrl,
          clock: () => clock.now(),
          personalDataSecret: await personalDataSecretOf(config),
        });
        new Logger('Persistence').log(
          config.databaseUrl ? 'event store on PostgreSQL' : `event store on embedded PGlite in ${config.dataDir}`,
        );
        return persistence;
      },
    },
    { provide: SqlDatabase, inject: [PERSISTENCE], useFactory: (p: Persistence) => p.db },
    { provide: PersonKeys, inject: [PERSISTENCE], useFactory: (p: Persistence) => p.personKeys },
    {
      provide: EventStore,
      // Appends are timed and counted by type when the app has metrics (the API and the worker; not the CLI).
      inject: [PERSISTENCE, { token: Metrics, optional: true }, { token: EVENT_STORE_DECORATOR, optional: true }],
      useFactory: (p: Persistence, metrics?: Metrics, decorate?: EventStoreDecorator) => {
        const store = decorate ? decorate(p.store) : p.store;
        return metrics ? instrumentEventStore(store, metrics) : store;
      },
    },
    PersistenceLifecycle,
  ],
  exports: [SqlDatabase, EventStore, PersonKeys],
})
export class PersistenceModule {}

/**
 * An event store the caller opened (the CLI's import into a given store, tests), provided globally
 * as PersistenceModule provides its own; the caller closes it.
 */
@Module({})
export class GivenEventStoreModule {
  static of(store: EventStore): DynamicModule {
    return {
      module: GivenEventStoreModule,
      global: true,
      providers: [{ provide: EventStore, useValue: store }],
      exports: [EventStore],
    };
  }
}
