import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  agreementDecider,
  benefitLedgerDecider,
  benefitsStreamId,
  boardDecider,
  bodyRegistryDecider,
  decisionDecider,
  BODY_REGISTRY_STREAM_ID,
  agreementStreamId,
  boardStreamId,
  decisionStreamId,
  parentFactsOf,
  publicationDecider,
  publicationStreamId,
  type AgreementCommand,
  type BenefitCommand,
  type ParentFacts,
  type BoardCommand,
  type BodyRegistryCommand,
  type DecisionCommand,
  type PublicationCommand,
} from '#domain';
import { CommandRunner, type CommandContext, type WriteResult } from './command-runner.js';
import { FoldedStreams } from './folded-streams.js';
import { ReferenceData } from './reference-data.js';

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
export class ExecuteBenefitCommand {
  constructor(
    readonly command: BenefitCommand,
    readonly context: CommandContext,
  ) {}
}
export class ExecuteBodyRegistryCommand {
  constructor(
    readonly command: BodyRegistryCommand,
    readonly context: CommandContext,
  ) {}
}

/** A publication command as the controller has it: the agreement named by id; the handler supplies the rest. */
export type UnresolvedPublicationCommand = PublicationCommand extends infer C
  ? C extends { type: infer T; data: infer D; metadata: infer M }
    ? { type: T; data: Omit<D, 'agreement'> & { agreementId: string }; metadata: M }
    : never
  : never;

export class ExecutePublicationCommand {
  constructor(
    readonly command: UnresolvedPublicationCommand,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(ExecuteAgreementCommand)
export class AgreementCommandHandler implements ICommandHandler<ExecuteAgreementCommand, WriteResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly folded: FoldedStreams,
  ) {}

  async execute({ command, context }: ExecuteAgreementCommand): Promise<WriteResult> {
    const supplied = await this.withParentFacts(command);
    return this.runner.run(agreementStreamId(command.data.agreementId), agreementDecider, supplied, context);
  }

  private async parentFacts(parentId: string): Promise<ParentFacts | null> {
    const { state, revision } = await this.folded.load(agreementStreamId(parentId), agreementDecider);
    return revision >= 0 ? parentFactsOf(state) : null;
  }

  /*
   * A unit is checked against its parent (units.ts): the decider stays pure, so the parent's facts are loaded
   * here and carried on the command. They are the parent as read just before the unit's append; a change to the
   * parent in between is not seen (two streams, no cross-stream lock), as for any reference a command names.
   */
  private async withParentFacts(command: AgreementCommand): Promise<AgreementCommand> {
    switch (command.type) {
      case 'DraftAgreement': {
        const parent = command.data.parent;
        if (!parent?.exists) return command;
        const facts = await this.parentFacts(parent.agreementId);
        return { ...command, data: { ...command.data, parent: { ...parent, facts } } };
      }
      case 'AddParty':
      case 'BringIntoForce': {
        const { state } = await this.folded.load(agreementStreamId(command.data.agreementId), agreementDecider);
        if (state.parentAgreementId === null) return command;
        const parent = await this.parentFacts(state.parentAgreementId);
        return { ...command, data: { ...command.data, parent } } as AgreementCommand;
      }
      default:
        return command;
    }
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

/** The agreement's facts travel on the command (resolved by the controller), as a decision's references do. */
@CommandHandler(ExecuteBenefitCommand)
export class BenefitCommandHandler implements ICommandHandler<ExecuteBenefitCommand, WriteResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ command, context }: ExecuteBenefitCommand): Promise<WriteResult> {
    return this.runner.run(benefitsStreamId(command.data.agreementId), benefitLedgerDecider, command, context);
  }
}

@CommandHandler(ExecuteBodyRegistryCommand)
export class BodyRegistryCommandHandler implements ICommandHandler<ExecuteBodyRegistryCommand, WriteResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ command, context }: ExecuteBodyRegistryCommand): Promise<WriteResult> {
    return this.runner.run(BODY_REGISTRY_STREAM_ID, bodyRegistryDecider, command, context);
  }
}

/*
 * s23E publication (docs/domain.md, "Publication"): its own stream per agreement. The agreement is read just
 * before the append (exists, current parties), as any reference a command names; no lock spans the two streams.
 */
@CommandHandler(ExecutePublicationCommand)
export class PublicationCommandHandler implements ICommandHandler<ExecutePublicationCommand, WriteResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly references: ReferenceData,
  ) {}

  async execute({ command, context }: ExecutePublicationCommand): Promise<WriteResult> {
    const { agreementId, ...data } = command.data;
    const agreement = await this.references.agreementWithParties(agreementId);
    const supplied = { ...command, data: { ...data, agreement } } as PublicationCommand;
    return this.runner.run(publicationStreamId(agreementId), publicationDecider, supplied, context);
  }
}

export const COMMAND_HANDLERS = [
  AgreementCommandHandler,
  BoardCommandHandler,
  DecisionCommandHandler,
  BenefitCommandHandler,
  BodyRegistryCommandHandler,
  PublicationCommandHandler,
];
