import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { financialYearOf } from '#domain';
import { EventStore, SqlDatabase } from '#event-store';
import { boardComplianceKnownAt, getBoard, getBoardCompliance, listBoardMeetings, listBoards } from '#projections';
import { EntityIdParam, IsCalendarDate, IsEntityId, IsOccurredAt } from '#application';
import { Clock } from '#platform';
import { IsFinancialYear } from '../queries/query-validators.js';
import { pageOf, PagedQuery, windowOf } from '../queries/page.js';
import { ConsistentQuery, ReadYourWrites } from '../queries/read-your-writes.js';

export class ComplianceQuery extends ConsistentQuery {
  @ApiPropertyOptional({
    example: '2016-03-31',
    description: 'Judge the year as it stood on this date (default: today).',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional({
    example: '2015-16',
    description: 'April–March financial year (default: the one containing asOf).',
  })
  @IsOptional()
  @IsFinancialYear()
  financialYear?: string;
  @ApiPropertyOptional({
    example: '2016-04-30',
    description:
      'Transaction time: judge the board by its events recorded by then (a date: the end of that day, UTC), replayed from its stream.',
  })
  @IsOptional()
  @IsOccurredAt()
  knownAt?: string;
}

export class BoardsQuery extends PagedQuery {
  @ApiPropertyOptional({ description: 'Boards overseeing this agreement.' })
  @IsOptional()
  @IsEntityId()
  agreementId?: string;
}

@ApiTags('boards')
@Controller('boards')
export class BoardsReadController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Governance boards by name, optionally those overseeing one agreement; a page and the next cursor.',
  })
  async list(@Query() query: BoardsQuery) {
    await this.consistency.waitFor(query, ['board-compliance']);
    const page = pageOf(await listBoards(this.db, { agreementId: query.agreementId }, windowOf(query)), query, (b) => [
      b.boardId,
    ]);
    return { boards: page.rows, next: page.next };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A board with its terms of reference and every meeting (scheduled, held, cancelled, rearranged).',
  })
  async one(@Param('id', new EntityIdParam('id')) id: string, @Query() query: ConsistentQuery) {
    await this.consistency.waitFor(query, ['board-compliance']);
    const board = await getBoard(this.db, id);
    if (!board) throw new NotFoundException(`There is no board ${id}.`);
    return { ...board, meetings: await listBoardMeetings(this.db, id) };
  }

  @Get(':id/compliance')
  @ApiOperation({
    summary:
      'Compliance for a financial year: meetings scheduled, held, quorate, cancelled, cancelled and not rearranged; longest gap; RAG with reasons.',
    description:
      'With knownAt, the board is replayed from its own events recorded by then and judged by the same rules; the answer ' +
      'has the same shape plus `replay: { asOf, knownAt, eventsConsidered, lastRecordedAt }`.',
  })
  async compliance(@Param('id', new EntityIdParam('id')) id: string, @Query() query: ComplianceQuery) {
    const asOf = query.asOf ?? this.clock.now().toISOString().slice(0, 10);
    const financialYear = query.financialYear ?? financialYearOf(asOf);
    if (query.knownAt !== undefined) {
      const replayed = await boardComplianceKnownAt(this.store, id, { financialYear, asOf, knownAt: query.knownAt });
      if (!replayed) throw new NotFoundException(`There is no board ${id} known at ${query.knownAt}.`);
      return replayed;
    }
    await this.consistency.waitFor(query, ['board-compliance']);
    const compliance = await getBoardCompliance(this.db, id, { financialYear, asOf });
    if (!compliance) throw new NotFoundException(`There is no board ${id}.`);
    return compliance;
  }
}
