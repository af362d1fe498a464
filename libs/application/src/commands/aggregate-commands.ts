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
  type TerminateAgreement,
  type UnitInForce,
  type BoardCommand,
  type BodyRegistryCommand,
  type DecisionCommand,
  type PublicationCommand,
} from '#domain';
import { ConcurrencyError } from '#event-store';
import { CommandRunner, type CommandContext, type WriteResult } from './command-runner.js';
import { FoldedStreams } from './folded-streams.js';
import { ReferenceData } from './reference-data.js';
import { UnitsOfParents } from './units-of-parents.js';

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
    private readonly unitsOfParents: UnitsOfParents,
  ) {}

  async execute({ command, context }: ExecuteAgreementCommand): Promise<WriteResult> {
    if (command.type === 'TerminateAgreement') return this.terminate(command, context);
    const supplied = await this.withParentFacts(command);
    return this.runner.run(agreementStreamId(command.data.agreementId), agreementDecider, supplied, context);
  }

  /*
   * A parent's termination is told its units in force (units.ts: refused unless `endUnits`). With `endUnits`, each
   * unit in force is terminated first, on its own stream (same date, the parent's reason), then the parent: the
   * store appends to one stream per call, so this cannot be one write. The parent's termination is decided first on
   * its current state, so no unit is ended for a parent that would be refused anyway; a failure part-way leaves the
   * parent in force with some units ended, a true state, and repeating the command finishes it (docs/domain.md,
   * "Units of a parent agreement"). A unit's own units are ended with it the same way.
   */
  private async terminate(command: TerminateAgreement, context: CommandContext): Promise<WriteResult> {
    const streamId = agreementStreamId(command.data.agreementId);
    const unitsInForce = await this.unitsInForce(command.data.agreementId);
    const supplied: TerminateAgreement = { ...command, data: { ...command.data, unitsInForce } };
    if (unitsInForce.length > 0 && command.data.endUnits === true) {
      const earlier = await this.runner.replay(context);
      if (earlier) return earlier;
      const { state, revision } = await this.folded.load(streamId, agreementDecider);
      if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
        throw new ConcurrencyError(streamId, context.expectedRevision, revision);
      }
      agreementDecider.decide(supplied, state);
      // The units' appends are part of this request (its correlation id), but not its idempotency key or
      // expected revision: those belong to the parent's stream.
      const unitContext: CommandContext = { actor: context.actor, correlationId: context.correlationId };
      for (const unit of unitsInForce) {
        await this.terminate(
          {
            ...command,
            data: {
              agreementId: unit.agreementId,
              reason: command.data.reason,
              occurredAt: command.data.occurredAt,
              endUnits: true,
            },
          },
          unitContext,
        );
      }
      return this.runner.run(streamId, agreementDecider, supplied, context);
    }
    return this.runner.run(streamId, agreementDecider, supplied, context);
  }

  /** The units of `parentId` in force now: drafted as its units (the log), in force by their own streams. */
  private async unitsInForce(parentId: string): Promise<UnitInForce[]> {
    const candidates = await this.unitsOfParents.of(parentId);
    const units = await Promise.all(
      candidates.map(async (unitId) => (await this.folded.load(agreementStreamId(unitId), agreementDecider)).state),
    );
    return units
      .filter((unit) => unit.status === 'in-force' && unit.parentAgreementId === parentId)
      .map((unit) => ({ agreementId: unit.agreementId, title: unit.title }));
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
