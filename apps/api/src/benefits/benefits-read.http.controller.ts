import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { isBodySlug, isEntityId, REGIONS } from '#domain';
import { SqlDatabase } from '#event-store';
import { benefitsByAgreement, benefitsByForce, benefitsByRegion, benefitsByYear } from '#projections';
import { IsEntityId, IsSlug } from '#application';
import { pageOf, PagedQuery, windowOf } from '../queries/page.js';
import { IsFinancialYear, isFinancialYear } from '../queries/query-validators.js';
import { ReadYourWrites } from '../queries/read-your-writes.js';

const BENEFITS_VIEWS = ['agreement', 'force', 'region', 'year'] as const;
const REGION_NAMES = new Set<string>(REGIONS);

export class BenefitsQuery extends PagedQuery {
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
      'A figure for a range of years counts in full in each year it includes and is its own row by year. ' +
      'Paged by the group key: agreement id, force id, region, or period (start, then end); `next` is null on the last page.',
  })
  async benefits(@Query() query: BenefitsQuery) {
    await this.consistency.waitFor(query, ['benefits']);
    const { agreementId, force, financialYear } = query;
    const filter = { agreementId, force, financialYear };
    switch (query.by ?? 'agreement') {
      case 'force': {
        const rows = await benefitsByForce(
          this.db,
          filter,
          windowOf(query, 1, ([id]) => isBodySlug(id)),
        );
        const page = pageOf(rows, query, (r) => [r.force]);
        return { by: 'force', benefits: page.rows, next: page.next };
      }
      case 'region': {
        const isRegion = ([region]: readonly string[]) => region === 'other' || REGION_NAMES.has(region ?? '');
        const rows = await benefitsByRegion(this.db, filter, windowOf(query, 1, isRegion));
        const page = pageOf(rows, query, (r) => [r.region]);
        return { by: 'region', benefits: page.rows, next: page.next };
      }
      case 'year': {
        const isPeriod = (period: readonly string[]) => period.every(isFinancialYear);
        const rows = await benefitsByYear(this.db, filter, windowOf(query, 2, isPeriod));
        const page = pageOf(rows, query, (r) => [r.period.from, r.period.to]);
        return { by: 'year', benefits: page.rows, next: page.next };
      }
      default: {
        const rows = await benefitsByAgreement(
          this.db,
          filter,
          windowOf(query, 1, ([id]) => isEntityId(id)),
        );
        const page = pageOf(rows, query, (r) => [r.agreementId]);
        return { by: 'agreement', benefits: page.rows, next: page.next };
      }
    }
  }
}
