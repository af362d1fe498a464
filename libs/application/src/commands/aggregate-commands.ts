import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  agreementDecider,
  boardDecider,
  bodyRegistryDecider,
  decisionDecider,
  BODY_REGISTRY_STREAM_ID,
  agreementStreamId,
  boardStreamId,
  decisionStreamId,
  type AgreementCommand,
  type BoardCommand,
  type BodyRegistryCommand,
  type DecisionCommand,
} from '#domain';
import { CommandRunner, type CommandContext, type WriteResult } from './command-runner.js';

/*
 * One @nestjs/cqrs command per aggregate: it carries a domain command whose references (bodies,
 * agreements, boards) the controller has already resolved, and its handler only runs the decider
 * through the shared CommandRunner.
 */

export class ExecuteAgreementCommand {
  constructor(
    readonly command: AgreementCommand,
    readonly context: CommandContext,
  ) {}
}
export class ExecuteBoardCommand {
  constructor(
    readonly command: BoardCommand,
    readonly context: CommandContext,
  ) {}
}
export class ExecuteDecisionCommand {
  constructor(
    readonly command: DecisionCommand,
    readonly context: CommandContext,
  ) {}
}
export class ExecuteBodyRegistryCommand {
  constructor(
    readonly command: BodyRegistryCommand,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(ExecuteAgreementCommand)
export class AgreementCommandHandler implements ICommandHandler<ExecuteAgreementCommand, WriteResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ command, context }: ExecuteAgreementCommand): Promise<WriteResult> {
    return this.runner.run(agreementStreamId(command.data.agreementId), agreementDecider, command, context);
  }
}

@CommandHandler(ExecuteBoardCommand)
export class BoardCommandHandler implements ICommandHandler<ExecuteBoardCommand, WriteResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ command, context }: ExecuteBoardCommand): Promise<WriteResult> {
    return this.runner.run(boardStreamId(command.data.boardId), boardDecider, command, context);
  }
}

@CommandHandler(ExecuteDecisionCommand)
export class DecisionCommandHandler implements ICommandHandler<ExecuteDecisionCommand, WriteResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ command, context }: ExecuteDecisionCommand): Promise<WriteResult> {
    return this.runner.run(decisionStreamId(command.data.decisionId), decisionDecider, command, context);
  }
}

@CommandHandler(ExecuteBodyRegistryCommand)
export class BodyRegistryCommandHandler implements ICommandHandler<ExecuteBodyRegistryCommand, WriteResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ command, context }: ExecuteBodyRegistryCommand): Promise<WriteResult> {
    return this.runner.run(BODY_REGISTRY_STREAM_ID, bodyRegistryDecider, command, context);
  }
}

export const COMMAND_HANDLERS = [
  AgreementCommandHandler,
  BoardCommandHandler,
  DecisionCommandHandler,
  BodyRegistryCommandHandler,
];
