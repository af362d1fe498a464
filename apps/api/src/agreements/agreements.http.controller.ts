import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { gbpToPence, type AgreementCommand } from '#domain';
import { Clock, Writes, WritesAgreement } from '#platform';
import {
  type CommandContext,
  EntityIdParam,
  ExecuteAgreementCommand,
  ReferenceData,
  stamp,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';
import {
  CommencementRequest,
  DatePrecisionRequest,
  DatedPccApprovalRequest,
  DatedSignatureRequest,
  DraftAgreementRequest,
  HostChangeRequest,
  PartyRequest,
  PccApprovalRequest,
  ReplanStartRequest,
  ReviewRequest,
  SavingsRequest,
  ServiceLineEndingRequest,
  ServiceLineRequest,
  SetTermsRequest,
  SignAgreementRequest,
  SupersessionRequest,
  TerminationRequest,
  VariationRequest,
  VariationWithdrawalRequest,
  WithdrawalNoticeRequest,
  WithdrawalRequest,
} from './agreement-requests.dto.js';

const Id = () => Param('id', new EntityIdParam('id'));
const VariationId = () => Param('vid', new EntityIdParam('vid'));

@ApiTags('agreements')
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A retried request with the same key appends nothing and gets the first answer.',
})
@ApiCreatedResponse({ type: WriteResultDto })
@ApiConflictResponse({
  description: 'A rule of the agreement is broken, or the record changed since expectedRevision (problem+json).',
})
@Controller('agreements')
export class AgreementsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly references: ReferenceData,
    private readonly clock: Clock,
  ) {}

  private execute(command: AgreementCommand, context: CommandContext): Promise<WriteResult> {
    return this.bus.execute(new ExecuteAgreementCommand(command, context));
  }

  @Post()
  @HttpCode(201)
  @Writes({ kind: 'new-agreement' })
  @ApiOperation({ summary: 'Draft a collaboration agreement with its parties.' })
  async draft(@Body() body: DraftAgreementRequest, @Context() context: CommandContext): Promise<WriteResult> {
    const parties = await this.references.bodies(body.parties, 'parties');
    const parent = body.parentId === undefined ? undefined : await this.references.agreement(body.parentId);
    return this.execute(
      stamp(
        'DraftAgreement',
        {
          agreementId: body.id,
          title: body.title,
          legalBasis: body.legalBasis,
          scope: body.scope,
          businessArea: body.businessArea,
          deliveryModel: body.deliveryModel,
          parties,
          partyCapacities: body.partyCapacities?.map(({ party, capacity }) => ({ party, capacity })),
          declaredMembership: body.declaredMembership
            ? { description: body.declaredMembership.description, count: body.declaredMembership.count }
            : undefined,
          hostForce: body.hostForce,
          parent,
          reviewDue: body.reviewDue,
          plannedStart: body.plannedStart,
          occurredAt: body.occurredAt,
        },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/planned-start')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: "Re-plan a draft's start (or plan one), with the reason; refused once it is in force." })
  replanStart(
    @Id() id: string,
    @Body() body: ReplanStartRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'ReplanStart',
        { agreementId: id, plannedStart: body.plannedStart, reason: body.reason, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/supersessions')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Record that this agreement replaces another (shown as supersededBy on the other).' })
  async supersede(
    @Id() id: string,
    @Body() body: SupersessionRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const superseded = await this.references.agreement(body.supersedes);
    return this.execute(
      stamp('RecordSupersession', { agreementId: id, superseded, occurredAt: body.occurredAt }, this.clock),
      context,
    );
  }

  @Post(':id/signatures')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Record that a party signed the agreement.' })
  sign(
    @Id() id: string,
    @Body() body: DatedSignatureRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const { party, signedBy, occurredAt, datePrecision } = body;
    return this.execute(
      stamp('SignAgreement', { agreementId: id, party, signedBy, occurredAt, datePrecision }, this.clock),
      context,
    );
  }

  @Post(':id/pcc-approvals')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary: "Record that a police party's local policing body (PCC, PFCC, mayor) approved the agreement.",
  })
  approve(
    @Id() id: string,
    @Body() body: DatedPccApprovalRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const { party, occurredAt, datePrecision } = body;
    return this.execute(
      stamp('GivePccApproval', { agreementId: id, party, occurredAt, datePrecision }, this.clock),
      context,
    );
  }

  @Post(':id/commencement')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Bring the agreement into force (needs every signature and PCC approval).' })
  commence(
    @Id() id: string,
    @Body() body: CommencementRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const { occurredAt, datePrecision } = body;
    return this.execute(stamp('BringIntoForce', { agreementId: id, occurredAt, datePrecision }, this.clock), context);
  }

  @Post(':id/variations')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary:
      'Propose a variation of the terms (variationId, proposedTerms: pending until signed and approved, s23C(4)), ' +
      'or note a variation of an agreement in force in free text (summary only).',
  })
  vary(@Id() id: string, @Body() body: VariationRequest, @Context() context: CommandContext): Promise<WriteResult> {
    const { summary, variationId, proposedTerms, effectiveFrom, occurredAt } = body;
    // Either field makes it a proposal, so one without the other is refused naming the missing one.
    if (variationId === undefined && proposedTerms === undefined && effectiveFrom === undefined) {
      return this.execute(stamp('VaryAgreement', { agreementId: id, summary, occurredAt }, this.clock), context);
    }
    return this.execute(
      stamp(
        'ProposeVariation',
        { agreementId: id, variationId: variationId as string, summary, proposedTerms, effectiveFrom, occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/variations/:vid/signatures')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary: 'Record that a party signed a proposed variation (the last one needed brings it into effect).',
  })
  signVariation(
    @Id() id: string,
    @VariationId() vid: string,
    @Body() body: SignAgreementRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const { party, signedBy, occurredAt } = body;
    return this.execute(
      stamp('SignVariation', { agreementId: id, variationId: vid, party, signedBy, occurredAt }, this.clock),
      context,
    );
  }

  @Post(':id/variations/:vid/pcc-approvals')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary:
      "Record that a police party's policing body approved a proposed variation (the last one needed brings it into effect).",
  })
  approveVariation(
    @Id() id: string,
    @VariationId() vid: string,
    @Body() body: PccApprovalRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'ApproveVariation',
        { agreementId: id, variationId: vid, party: body.party, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/variations/:vid/withdrawal')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Withdraw a pending variation, saying why.' })
  withdrawVariation(
    @Id() id: string,
    @VariationId() vid: string,
    @Body() body: VariationWithdrawalRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'WithdrawVariation',
        { agreementId: id, variationId: vid, reason: body.reason, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/host')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Change the host force.' })
  changeHost(
    @Id() id: string,
    @Body() body: HostChangeRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp('ChangeHostForce', { agreementId: id, hostForce: body.hostForce, occurredAt: body.occurredAt }, this.clock),
      context,
    );
  }

  @Post(':id/parties')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Add a party (while drafted) or record a party joining (in force).' })
  async join(@Id() id: string, @Body() body: PartyRequest, @Context() context: CommandContext): Promise<WriteResult> {
    const party = await this.references.body(body.party, 'party');
    return this.execute(
      stamp(
        'AddParty',
        {
          agreementId: id,
          party,
          capacity: body.capacity,
          occurredAt: body.occurredAt,
          datePrecision: body.datePrecision,
        },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/withdrawal-notices')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Record that a party gave notice of withdrawal, effective on a date.' })
  notice(
    @Id() id: string,
    @Body() body: WithdrawalNoticeRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'GiveWithdrawalNotice',
        {
          agreementId: id,
          party: body.party,
          effectiveOn: body.effectiveOn,
          occurredAt: body.occurredAt,
          override: body.override ? { acceptedBy: body.override.acceptedBy, reason: body.override.reason } : null,
          datePrecision: body.datePrecision,
        },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/terms')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary: 'Set the next version of the terms (the whole document), effective from a day.',
  })
  setTerms(@Id() id: string, @Body() body: SetTermsRequest, @Context() context: CommandContext): Promise<WriteResult> {
    return this.execute(
      stamp(
        'SetTerms',
        { agreementId: id, effectiveFrom: body.effectiveFrom, terms: body.terms, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/withdrawals')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Record that a party withdrew.' })
  withdraw(
    @Id() id: string,
    @Body() body: WithdrawalRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'WithdrawParty',
        {
          agreementId: id,
          party: body.party,
          reason: body.reason,
          occurredAt: body.occurredAt,
          datePrecision: body.datePrecision,
        },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/date-precision')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary:
      'State how exactly dates already recorded are known (month, year, on-or-before), or correct them back to day; ' +
      'no date moves (docs/domain.md, "Dates and their precision").',
  })
  recordDatePrecision(
    @Id() id: string,
    @Body() body: DatePrecisionRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const facts = body.facts.map((f) => ({ fact: f.fact, party: f.party ?? null }));
    return this.execute(
      stamp(
        'RecordDatePrecision',
        { agreementId: id, facts, precision: body.precision, reason: body.reason },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/reviews')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Record a review of the agreement and when the next one is due.' })
  review(@Id() id: string, @Body() body: ReviewRequest, @Context() context: CommandContext): Promise<WriteResult> {
    return this.execute(
      stamp(
        'ReviewAgreement',
        { agreementId: id, outcome: body.outcome, nextReviewDue: body.nextReviewDue, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/termination')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Terminate the agreement. Nothing can be recorded against it afterwards.' })
  terminate(
    @Id() id: string,
    @Body() body: TerminationRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'TerminateAgreement',
        { agreementId: id, reason: body.reason, occurredAt: body.occurredAt, endUnits: body.endUnits },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/service-lines')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Start a service line (one of its functions) of a draft or an agreement in force.' })
  addServiceLine(
    @Id() id: string,
    @Body() body: ServiceLineRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'AddServiceLine',
        { agreementId: id, serviceLineId: body.serviceLineId, name: body.name, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/service-lines/:sid/ending')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'End a running service line while the agreement goes on.' })
  endServiceLine(
    @Id() id: string,
    @Param('sid', new EntityIdParam('sid')) sid: string,
    @Body() body: ServiceLineEndingRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'EndServiceLine',
        { agreementId: id, serviceLineId: sid, reason: body.reason, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/savings')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({ summary: 'Record savings forecast or realised for a financial year.' })
  savings(@Id() id: string, @Body() body: SavingsRequest, @Context() context: CommandContext): Promise<WriteResult> {
    return this.execute(
      stamp(
        'RecordSavings',
        {
          agreementId: id,
          financialYear: body.financialYear,
          kind: body.kind,
          amountPence: gbpToPence(body.amountGbp),
        },
        this.clock,
      ),
      context,
    );
  }
}
