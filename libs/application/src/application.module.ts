import { Global, Module } from '@nestjs/common';
import { AlertCommands } from '#alerting';
import { COMMAND_HANDLERS } from './commands/aggregate-commands.js';
import { AlertCommandHandler, BusAlertCommands } from './commands/alert-commands.js';
import { CommandRunner } from './commands/command-runner.js';
import { FoldedStreams } from './commands/folded-streams.js';
import { ReferenceData } from './commands/reference-data.js';
import { StreamWriteQueue } from './commands/stream-write-queue.js';
import { UnitsOfParents } from './commands/units-of-parents.js';

/**
 * The command path, once per application (docs/architecture.md, "The command path"): one runner,
 * one folded-stream cache and one write queue, shared by the handlers of every aggregate, the
 * reference data, the importer and the compliance evaluator (through AlertCommands). Needs
 * EventStore from DI and CqrsModule.forRoot() in the root module, which dispatches to the handlers.
 * Global, so AlertingModule (a lower layer) finds AlertCommands without importing upwards.
 */
@Global()
@Module({
  providers: [
    FoldedStreams,
    StreamWriteQueue,
    CommandRunner,
    ReferenceData,
    UnitsOfParents,
    ...COMMAND_HANDLERS,
    AlertCommandHandler,
    { provide: AlertCommands, useClass: BusAlertCommands },
  ],
  exports: [FoldedStreams, CommandRunner, ReferenceData, AlertCommands],
})
export class ApplicationModule {}
