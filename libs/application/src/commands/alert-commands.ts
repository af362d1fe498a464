import { Injectable } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AlertCommands, type AlertCommandContext, type AlertCommandResult } from '#alerting';
import { alertDecider, alertStreamId, type AlertCommand } from '#domain';
import { CommandRunner, type CommandContext, type WriteResult } from './command-runner.js';

/** An alert command, from the API (acknowledge) or the compliance evaluator (raise, resolve). */
export class ExecuteAlertCommand {
  constructor(
    readonly command: AlertCommand,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(ExecuteAlertCommand)
export class AlertCommandHandler implements ICommandHandler<ExecuteAlertCommand, WriteResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ command, context }: ExecuteAlertCommand): Promise<WriteResult> {
    return this.runner.run(alertStreamId(command.data.alertId), alertDecider, command, context);
  }
}

/** The compliance evaluator's way to the event store: the command bus, as every other write. */
@Injectable()
export class BusAlertCommands extends AlertCommands {
  constructor(private readonly bus: CommandBus) {
    super();
  }

  async execute(command: AlertCommand, context: AlertCommandContext): Promise<AlertCommandResult> {
    const result = await this.bus.execute<ExecuteAlertCommand, WriteResult>(new ExecuteAlertCommand(command, context));
    // A decision of no events (raising an open alert) appends nothing and so has no position.
    return { written: !result.replayed && result.position !== null };
  }
}
