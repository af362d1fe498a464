import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SqlDatabase } from '#event-store';
import { listDecisions, savingsByAgreement, savingsByRegion, savingsByYear } from '#projections';
import { IsEntityId } from '#application';
import { IsFinancialYear } from '../queries/query-validators.js';
import { pageOf, PagedQuery, windowOf } from '../queries/page.js';
import { ReadYourWrites } from '../queries/read-your-writes.js';

export class DecisionsQuery extends PagedQuery {
  @ApiPropertyOptional() @IsOptional() @IsEntityId() boardId?: string;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() meetingId?: string;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() agreementId?: string;
}

const SAVINGS_VIEWS = ['agreement', 'region', 'year'] as const;

export class SavingsQuery extends PagedQuery {
  @ApiPropertyOptional({
    enum: SAVINGS_VIEWS,
    description: 'Group by agreement (default), region of the parties, or financial year.',
  })
  @IsOptional()
  @IsIn(SAVINGS_VIEWS)
  by?: (typeof SAVINGS_VIEWS)[number];
  @ApiPropertyOptional() @IsOptional() @IsEntityId() agreementId?: string;
  @ApiPropertyOptional({ example: '2015-16' }) @IsOptional() @IsFinancialYear() financialYear?: string;
}

@ApiTags('decisions and savings')
@Controller()
export class DecisionsReadController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get('decisions')
  @ApiOperation({
    summary: 'The decisions log, oldest first, by board, meeting or agreement; a page and the next cursor.',
  })
  async decisions(@Query() query: DecisionsQuery) {
    await this.consistency.waitFor(query, ['decisions']);
    const { boardId, meetingId, agreementId } = query;
    const rows = await listDecisions(this.db, { boardId, meetingId, agreementId }, windowOf(query));
    const page = pageOf(rows, query, (d) => [d.decisionId]);
    return { decisions: page.rows, next: page.next };
  }

  @Get('savings')
  @ApiOperation({
    summary:
      'Savings forecast against realised (in pence), by agreement, by region of the parties, or by financial year.',
    description:
      'By region, an agreement counts in full in every region of its parties, so regional totals overlap. ' +
      'By agreement the rows are paged (limit, next); by region and by year they are totals, one row a region or year, and next is null.',
  })
  async savings(@Query() query: SavingsQuery) {
    await this.consistency.waitFor(query, ['savings']);
    const { agreementId, financialYear } = query;
    switch (query.by ?? 'agreement') {
      case 'region':
        return { by: 'region', savings: await savingsByRegion(this.db, { financialYear }), next: null };
      case 'year':
        return { by: 'year', savings: await savingsByYear(this.db), next: null };
      default: {
        const rows = await savingsByAgreement(this.db, { agreementId, financialYear }, windowOf(query, 2));
        const page = pageOf(rows, query, (s) => [s.agreementId, s.financialYear]);
        return { by: 'agreement', savings: page.rows, next: page.next };
      }
    }
  }
}
