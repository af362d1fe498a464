import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, WritesAgreement } from '#platform';
import {
  type CommandContext,
  EntityIdParam,
  ExecutePublicationCommand,
  stamp,
  type UnresolvedPublicationCommand,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';
import {
  PublicationExemptionRequest,
  PublicationWithdrawalRequest,
  PublishAgreementRequest,
} from './publication-requests.dto.js';

const Id = () => Param('id', new EntityIdParam('id'));

/** s23E publication of an agreement (docs/domain.md, "Publication"): written by the agreement's parties. */
@ApiTags('publication')
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A retried request with the same key appends nothing and gets the first answer.',
})
@ApiCreatedResponse({ type: WriteResultDto })
@ApiConflictResponse({ description: 'A rule of publication is broken (problem+json).' })
@Controller('agreements')
export class PublicationController {
  constructor(
    private readonly bus: CommandBus,
    private readonly clock: Clock,
  ) {}

  private execute(command: UnresolvedPublicationCommand, context: CommandContext): Promise<WriteResult> {
    return this.bus.execute(new ExecutePublicationCommand(command, context));
  }

  @Post(':id/publication')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary: 'Record that a party published the agreement (s23E), with a link to or reference for the document.',
  })
  publish(
    @Id() id: string,
    @Body() body: PublishAgreementRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'PublishAgreement',
        {
          agreementId: id,
          publishedOn: body.publishedOn,
          documentUrl: body.documentUrl ?? null,
          reference: body.reference ?? null,
          publishedBy: body.publishedBy,
          occurredAt: body.occurredAt,
        },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/publication-exemption')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary:
      'Mark that publishing the agreement in full would harm security, national security or operations: it is published as its title and purpose only.',
  })
  markExempt(
    @Id() id: string,
    @Body() body: PublicationExemptionRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'MarkPublicationExempt',
        { agreementId: id, ground: body.ground, reason: body.reason, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/publication-withdrawal')
  @HttpCode(201)
  @WritesAgreement()
  @ApiOperation({
    summary: 'Withdraw the publication: the agreement leaves the public register until published again.',
  })
  withdraw(
    @Id() id: string,
    @Body() body: PublicationWithdrawalRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp('WithdrawPublication', { agreementId: id, reason: body.reason, occurredAt: body.occurredAt }, this.clock),
      context,
    );
  }
}
