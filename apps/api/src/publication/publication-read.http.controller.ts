import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SqlDatabase } from '#event-store';
import { getPublication, type PublicationRecord } from '#projections';
import { EntityIdParam, ReferenceData } from '#application';
import { ConsistentQuery, ReadYourWrites } from '../queries/read-your-writes.js';

/** The full s23E record of an agreement, exemption reason included: signed-in readers only. */
@ApiTags('publication')
@ApiServiceUnavailableResponse({ description: 'minPosition was not reached within 5 s (problem+json with the lag).' })
@Controller('agreements')
export class PublicationReadController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly references: ReferenceData,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get(':id/publication')
  @ApiOperation({
    summary:
      "An agreement's s23E publication record: status (unpublished, published, withdrawn), the last publication, the exemption with its ground and reason, the withdrawal.",
  })
  @ApiOkResponse({
    description:
      '{ agreementId, status, publishedOn, documentUrl, reference, publishedBy, exemption: { ground, reason, markedOn } | null, withdrawnOn, withdrawalReason }',
  })
  async publication(
    @Param('id', new EntityIdParam('id')) id: string,
    @Query() query: ConsistentQuery,
  ): Promise<PublicationRecord> {
    await this.consistency.waitFor(query, ['publication']);
    // Whether the agreement exists is the log's answer (as for a write), not a read model's that may lag.
    const [record, agreement] = await Promise.all([getPublication(this.db, id), this.references.agreement(id)]);
    if (!agreement.exists) throw new NotFoundException(`There is no agreement ${id}.`);
    return (
      record ?? {
        agreementId: id,
        status: 'unpublished',
        publishedOn: null,
        documentUrl: null,
        reference: null,
        publishedBy: null,
        exemption: null,
        withdrawnOn: null,
        withdrawalReason: null,
      }
    );
  }
}
