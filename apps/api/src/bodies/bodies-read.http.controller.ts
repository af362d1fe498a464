import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { policingBodyOn } from '#domain';
import { SqlDatabase } from '#event-store';
import { collaborationsOf } from '#projections';
import { IsCalendarDate, ReferenceData } from '#application';
import { Clock } from '#platform';
import { pageOf, PagedQuery, windowOf } from '../queries/page.js';
import { ReadYourWrites } from '../queries/read-your-writes.js';
import { BodySlugParam } from './body-slug.param.js';

export class CollaborationsQuery extends PagedQuery {
  @ApiPropertyOptional({ example: '2016-03-31', description: 'The date to ask about (default: today).' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}

@ApiTags('bodies')
@Controller('bodies')
export class BodiesReadController {
  constructor(
    private readonly db: SqlDatabase,
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
      '(its period, with the source or assumption behind its date).',
  })
  async collaborations(@Param('id', BodySlugParam) id: string, @Query() query: CollaborationsQuery) {
    const today = await this.references.bodyOrNotFound(id);
    await this.consistency.waitFor(query, ['membership']);
    const asOf = query.asOf ?? this.clock.now().toISOString().slice(0, 10);
    const dated = policingBodyOn(id, asOf);
    const body = dated === null ? today : { ...today, policingBody: dated.known ? dated.policingBody : null };
    const page = pageOf(await collaborationsOf(this.db, id, { asOf }, windowOf(query)), query, (c) => [c.agreementId]);
    return { body, asOf, policingBodyOn: dated, collaborations: page.rows, next: page.next };
  }
}
