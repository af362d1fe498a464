import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '#config';
import { EventStore } from '#event-store';
import { type Clock, ConfigModule, GivenEventStoreModule, PersistenceModule } from '#platform';
import { ApplicationModule } from '../application.module.js';

export interface ImportModuleOptions {
  config: AppConfig;
  clock?: Clock;
  /** An event store that is already open (tests); absent → the database the configuration names. */
  store?: EventStore;
}

/**
 * The write side of the API without HTTP: configuration, the event store, the command bus and
 * ApplicationModule (the same handlers, runner and reference data as the API). `npm run cli --
 * import` runs in it, so an import reaches the event store only through the domain.
 */
@Module({})
export class ImportModule {
  static forRoot({ config, clock, store }: ImportModuleOptions): DynamicModule {
    return {
      module: ImportModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        store ? GivenEventStoreModule.of(store) : PersistenceModule,
        CqrsModule.forRoot(),
        ApplicationModule,
      ],
    };
  }
}
