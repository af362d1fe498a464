import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '#config';
import { EventStore } from '#event-store';
import { COMMAND_HANDLERS } from '../commands/aggregate-commands.js';
import { CommandRunner } from '../commands/command-runner.js';
import { ReferenceData } from '../commands/reference-data.js';
import { type Clock, ConfigModule, PersistenceModule } from '#platform';

export interface ImportModuleOptions {
  config: AppConfig;
  clock?: Clock;
  /** An event store that is already open (tests); absent → the database the configuration names. */
  store?: EventStore;
}

/**
 * The write side of the API without HTTP: configuration, the event store, the command bus with
 * the same handlers, runner and reference data as WriteModule. `npm run cli -- import` runs in it,
 * so an import reaches the event store only through the domain.
 */
@Module({})
export class ImportModule {
  static forRoot({ config, clock, store }: ImportModuleOptions): DynamicModule {
    const persistence: Provider[] = store ? [{ provide: EventStore, useValue: store }] : [];
    return {
      module: ImportModule,
      imports: [ConfigModule.forRoot(config, clock), ...(store ? [] : [PersistenceModule]), CqrsModule.forRoot()],
      providers: [...persistence, CommandRunner, ReferenceData, ...COMMAND_HANDLERS],
    };
  }
}
