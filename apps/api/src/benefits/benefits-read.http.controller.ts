import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SqlDatabase } from '#event-store';
import { benefitsByAgreement, benefitsByForce, benefitsByRegion, benefitsByYear } from '#projections';
import { IsEntityId, IsSlug } from '#application';
import { IsFinancialYear } from '../queries/query-validators.js';
import { ConsistentQuery, ReadYourWrites } from '../queries/read-your-writes.js';

const BENEFITS_VIEWS = ['agreement', 'force', 'region', 'year'] as const;

export class BenefitsQuery extends ConsistentQuery {
  @ApiPropertyOptional({
    enum: BENEFITS_VIEWS,
    description: 'Group by agreement (default), force, region of the parties, or period (financial year or range).',
  })
  @IsOptional()
  @IsIn(BENEFITS_VIEWS)
  by?: (typeof BENEFITS_VIEWS)[number];
  @ApiPropertyOptional() @IsOptional() @IsEntityId() agreementId?: string;
  @ApiPropertyOptional({
    example: 'avon-somerset',
    description: "The force's own share and the whole agreements it is or was party to.",
  })
  @IsOptional()
  @IsSlug()
  force?: string;
  @ApiPropertyOptional({ example: '2017-18', description: 'Entries whose period includes this financial year.' })
  @IsOptional()
  @IsFinancialYear()
  financialYear?: string;
}

@ApiTags('benefits')
@Controller()
export class BenefitsReadController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get('benefits')
  @ApiOperation({
    summary:
      'The benefits ledger: savings and costs forecast against realised, net, and the non-cash benefits listed, by agreement, force, region or period.',
    description:
      'Money is whole pence with a formatted string. By force and by region, `attributed` (shares attributed to a force) and ' +
      '`wholeAgreement` (figures of the whole agreement, counted in full for each party or region) are not to be added. ' +
      'A figure for a range of years counts in full in each year it includes and is its own row by year. Not paged; next is null.',
  })
  async benefits(@Query() query: BenefitsQuery) {
    await this.consistency.waitFor(query, ['benefits']);
    const { agreementId, force, financialYear } = query;
    const filter = { agreementId, force, financialYear };
    switch (query.by ?? 'agreement') {
      case 'force':
        return { by: 'force', benefits: await benefitsByForce(this.db, filter), next: null };
      case 'region':
        return { by: 'region', benefits: await benefitsByRegion(this.db, filter), next: null };
      case 'year':
        return { by: 'year', benefits: await benefitsByYear(this.db, filter), next: null };
      default:
        return { by: 'agreement', benefits: await benefitsByAgreement(this.db, filter), next: null };
    }
  }
}
