import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { financialYearOf, policingBodyOn } from '#domain';
import { EventStore, SqlDatabase } from '#event-store';
import { collaborationOn, collaborationsKnownAt, collaborationsOf } from '#projections';
import {
  buildGovernanceStatement,
  governanceStatementCsv,
  IsCalendarDate,
  IsOccurredAt,
  ReferenceData,
} from '#application';
import { Clock } from '#platform';
import { pageOf, PagedQuery, windowedByTitle, windowOf } from '../queries/page.js';
import { ConsistentQuery, ReadYourWrites } from '../queries/read-your-writes.js';
import { IsFinancialYear } from '../queries/query-validators.js';
import { BodySlugParam } from './body-slug.param.js';

export class CollaborationsQuery extends PagedQuery {
  @ApiPropertyOptional({ example: '2016-03-31', description: 'The date to ask about (default: today).' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional({
    example: '2016-04-30',
    description:
      'Transaction time: the memberships as recorded by then (a date: the end of that day, UTC); each agreement is replayed.',
  })
  @IsOptional()
  @IsOccurredAt()
  knownAt?: string;
}

export class GovernanceStatementQuery extends ConsistentQuery {
  @ApiPropertyOptional({
    example: '2015-16',
    description: 'April–March financial year (default: the one containing asOf).',
  })
  @IsOptional()
  @IsFinancialYear()
  financialYear?: string;
  @ApiPropertyOptional({ example: '2016-06-30', description: 'The record as it stood on this date (default: today).' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional({
    example: '2016-04-30',
    description:
      'Transaction time: the agreements, boards, compliance and alerts as recorded by then (a date: the end of that day, UTC).',
  })
  @IsOptional()
  @IsOccurredAt()
  knownAt?: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: the same as `Accept: text/csv`.' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** The read models a governance statement is built from. */
const STATEMENT_READ_MODELS = ['membership', 'agreement-register', 'board-compliance', 'savings', 'alerts'];

@ApiTags('bodies')
@Controller('bodies')
export class BodiesReadController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly references: ReferenceData,
    private readonly clock: Clock,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get(':id/collaborations')
  @ApiOperation({
    summary:
      'The collaborations a body belonged to on a date, from membership validity intervals, by title; a page and the next cursor.',
    description:
      "`body.policingBody` is the body that held the force's policing body role on that date (a police authority " +
      'before 22 November 2012; null where the history cannot tell), and `policingBodyOn` says how that is known ' +
      '(its period, with the source or assumption behind its date). With `knownAt`, the memberships as the record ' +
      'stood then (each agreement replayed from its events to that transaction time).',
  })
  async collaborations(@Param('id', BodySlugParam) id: string, @Query() query: CollaborationsQuery) {
    const today = await this.references.bodyOrNotFound(id);
    await this.consistency.waitFor(query, ['membership']);
    const asOf = query.asOf ?? this.clock.now().toISOString().slice(0, 10);
    const dated = policingBodyOn(id, asOf);
    const body = dated === null ? today : { ...today, policingBody: dated.known ? dated.policingBody : null };
    const window = windowOf(query);
    const rows =
      query.knownAt === undefined
        ? await collaborationsOf(this.db, id, { asOf }, window)
        : windowedByTitle(
            (
              await collaborationsKnownAt(this.db, this.store, id, {
                from: asOf,
                to: asOf,
                knownAt: query.knownAt,
              })
            ).map((c) => collaborationOn(c, asOf)),
            window,
          );
    const page = pageOf(rows, query, (c) => [c.agreementId]);
    return {
      body,
      asOf,
      knownAt: query.knownAt ?? null,
      policingBodyOn: dated,
      collaborations: page.rows,
      next: page.next,
    };
  }

  @Get(':id/governance-statement')
  @ApiOperation({
    summary:
      "A force's governance statement for a financial year: its agreements, the boards overseeing them with their meetings and RAG, alerts, savings, agreements with no board or past review, and findings as sentences.",
    description:
      'JSON by default; CSV (one row per agreement and board) with `Accept: text/csv` or `format=csv`. `asOf` leaves out what happened later; ' +
      '`knownAt` what was recorded later (the streams are replayed to it).',
  })
  @ApiProduces('application/json', 'text/csv')
  async governanceStatement(
    @Param('id', BodySlugParam) id: string,
    @Query() query: GovernanceStatementQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const body = await this.references.bodyOrNotFound(id);
    await this.consistency.waitFor(query, STATEMENT_READ_MODELS);
    const asOf = query.asOf ?? this.clock.now().toISOString().slice(0, 10);
    const financialYear = query.financialYear ?? financialYearOf(asOf);
    // Validated above: a malformed year never reaches here.
    const statement = await buildGovernanceStatement(
      this.db,
      body,
      { financialYear, asOf, knownAt: query.knownAt },
      this.store,
    );
    const csv = query.format === 'csv' || (query.format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
    if (!csv || statement === null) return statement;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="governance-statement-${id}-${financialYear}.csv"`);
    return governanceStatementCsv(statement);
  }
}
