import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isAttributableParty, type BenefitAgreementFacts, type BenefitCommand, type BenefitEntryInput } from '#domain';
import { Clock, RequestValidationError, WritesAgreement } from '#platform';
import {
  type CommandContext,
  EntityIdParam,
  ExecuteBenefitCommand,
  ReferenceData,
  stamp,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';
import { CorrectBenefitRequest, RecordBenefitRequest } from './benefit-requests.dto.js';

const Id = () => Param('id', new EntityIdParam('id'));

const entryOf = (body: RecordBenefitRequest): BenefitEntryInput => ({
  kind: body.kind,
  status: body.status,
  amountPence: body.amountPence,
  description: body.description,
  measure: body.measure,
  financialYear: body.financialYear,
  period: body.period && { from: body.period.from, to: body.period.to },
  attributedTo: body.attributedTo,
  source: body.source,
  note: body.note,
});

/** The ledger of benefits of one agreement, on its own stream `benefits-<id>` (docs/domain.md, "Benefits"). */
@ApiTags('benefits')
@ApiCreatedResponse({ type: WriteResultDto })
@ApiConflictResponse({ description: 'The entry id is taken, or the entry was already corrected (problem+json).' })
@Controller('agreements')
export class BenefitsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly references: ReferenceData,
    private readonly clock: Clock,
  ) {}

  /**
   * The agreement's facts, and a 400 naming `attributedTo` for a body that was never its party: that is
   * wrong input, checked by the same function the decider uses.
   */
  private async agreement(agreementId: string, attributedTo: string | undefined): Promise<BenefitAgreementFacts> {
    const facts = await this.references.benefitFacts(agreementId);
    if (facts.exists && attributedTo !== undefined && !isAttributableParty(facts, attributedTo)) {
      throw new RequestValidationError([
        {
          field: 'attributedTo',
          rule: 'isPartyOfAgreement',
          message: `attributedTo must be a present or former party to agreement "${agreementId}"; "${attributedTo}" is not.`,
        },
      ]);
    }
    return facts;
  }

  private execute(command: BenefitCommand, context: CommandContext): Promise<WriteResult> {
    return this.bus.execute(new ExecuteBenefitCommand(command, context));
  }

  @Post(':id/benefits')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary:
      "Record a benefits ledger entry: a saving, a cost or a non-cash benefit, forecast or realised, for a financial year or a range of them, of the whole agreement or one party's share.",
  })
  async record(
    @Id() id: string,
    @Body() body: RecordBenefitRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const agreement = await this.agreement(id, body.attributedTo);
    return this.execute(
      stamp('RecordBenefit', { agreementId: id, agreement, entryId: body.id, entry: entryOf(body) }, this.clock),
      context,
    );
  }

  @Post(':id/benefits/:entryId/correction')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary: 'Correct a ledger entry: a new entry (id) supersedes entryId, which stays in the record as it was.',
  })
  async correct(
    @Id() id: string,
    @Param('entryId', new EntityIdParam('entryId')) entryId: string,
    @Body() body: CorrectBenefitRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const agreement = await this.agreement(id, body.attributedTo);
    return this.execute(
      stamp(
        'CorrectBenefit',
        {
          agreementId: id,
          agreement,
          supersedes: entryId,
          entryId: body.id,
          entry: entryOf(body),
          reason: body.reason,
        },
        this.clock,
      ),
      context,
    );
  }
}
