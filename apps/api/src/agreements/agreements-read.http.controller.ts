import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { AGREEMENT_SCOPES, LEGAL_BASES } from '#domain';
import { SqlDatabase, EventStore } from '#event-store';
import {
  agreementAsOf,
  inForceOn,
  type AgreementView,
  countAgreementsByStatus,
  getAgreementDetail,
  listAgreements,
  membershipOf,
  registerKnownAt,
  type RegisterStatus,
  supersededByOf,
  unitsOf,
} from '#projections';
import { EntityIdParam, IsEntityId, IsOccurredAt, IsSlug } from '#application';
import { pageOf, PagedQuery, windowedByTitle, windowOf } from '../queries/page.js';
import { ConsistentQuery, ReadYourWrites } from '../queries/read-your-writes.js';

const STATUSES: RegisterStatus[] = ['drafted', 'in-force', 'terminated'];

export class RegisterQuery extends PagedQuery {
  @ApiPropertyOptional({ example: 'dorset', description: 'A current party.' }) @IsOptional() @IsSlug() party?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: RegisterStatus;
  @ApiPropertyOptional({ example: 'organised crime', description: 'Part of the business area, any case.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  area?: string;
  @ApiPropertyOptional({ enum: LEGAL_BASES }) @IsOptional() @IsIn(LEGAL_BASES) legalBasis?: string;
  @ApiPropertyOptional({ enum: AGREEMENT_SCOPES }) @IsOptional() @IsIn(AGREEMENT_SCOPES) scope?: string;
  @ApiPropertyOptional({ example: 'avon-somerset' }) @IsOptional() @IsSlug() hostForce?: string;
  @ApiPropertyOptional({ example: 'zephyr', description: "A parent agreement's id: only its units." })
  @IsOptional()
  @IsEntityId()
  parentId?: string;
  @ApiPropertyOptional({
    example: '2016-04-30',
    description:
      'Transaction time: the register as recorded by then (a date: the end of that day, UTC); each agreement is replayed.',
  })
  @IsOptional()
  @IsOccurredAt()
  knownAt?: string;
}

export class AgreementQuery extends ConsistentQuery {
  @ApiPropertyOptional({
    example: '2016-03-31',
    description: 'Valid time: the agreement as it was in the world on this date (facts ordered by when they happened).',
  })
  @IsOptional()
  @IsOccurredAt()
  asOf?: string;

  @ApiPropertyOptional({
    example: '2016-03-31',
    description: 'Transaction time: only what the record said by this date (facts recorded later are left out).',
  })
  @IsOptional()
  @IsOccurredAt()
  knownAt?: string;
}

@ApiTags('agreements')
@ApiServiceUnavailableResponse({ description: 'minPosition was not reached within 5 s (problem+json with the lag).' })
@Controller('agreements')
export class AgreementsReadController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The register of agreements, filtered, with counts by status.' })
  @ApiOkResponse({
    description:
      '{ agreements: [...], counts: { drafted, in-force, terminated, total }, next }: a page of the register by title; next is the cursor of the following page, null at the end.',
  })
  async register(@Query() query: RegisterQuery) {
    await this.consistency.waitFor(query, ['agreement-register']);
    const { party, status, area, legalBasis, scope, hostForce, parentId, knownAt } = query;
    const filter = { party, status, area, legalBasis, scope, hostForce, parentId };
    const window = windowOf(query);
    const [rows, counts] =
      knownAt === undefined
        ? await Promise.all([listAgreements(this.db, filter, window), countAgreementsByStatus(this.db)])
        : await registerKnownAt(this.db, this.store, filter, knownAt).then(
            ({ rows: all, counts: then }) => [windowedByTitle(all, window), then] as const,
          );
    const page = pageOf([...rows], query, (row) => [row.agreementId]);
    return { agreements: page.rows, counts, knownAt: knownAt ?? null, next: page.next };
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One agreement in full: parties and membership periods, host history, signatures, approvals, variations, reviews, savings.',
    description:
      'With asOf and/or knownAt, the agreement is replayed from its own events for that valid time / transaction time ' +
      '(bitemporal), through the same folds as the read models: the answer has the same shape either way, and ' +
      '`replay` says what the replay was asked and folded (null without asOf and knownAt).',
  })
  @ApiOkResponse({
    description:
      '{ agreementId, title, legalBasis, …, parties: [{ id, addedOn, withdrewOn, current, … }], hostForceHistory, ' +
      'signatures, approvals, variations, reviews, savings, plannedStart, plannedStartHistory, supersedes, supersededBy, units, ' +
      'membership: [{ bodyId, validFrom, validTo }], ' +
      'inForcePrecision, inForceSentence ("in force by 24 August 2017"), inForce: true | false | null (null: not known ' +
      'on the day asked, where the record gives the commencement only on or before a later day, or to its month or year), ' +
      'inForceKnown, inForceNote, ' +
      'replay: { asOf, knownAt, eventsConsidered, lastPosition, lastRecordedAt } | null }',
  })
  async one(@Param('id', new EntityIdParam('id')) id: string, @Query() query: AgreementQuery): Promise<AgreementView> {
    if (query.asOf !== undefined || query.knownAt !== undefined) {
      const [successors, units] = await Promise.all([supersededByOf(this.db, id), unitsOf(this.db, id)]);
      const answer = await agreementAsOf(
        this.store,
        id,
        { asOf: query.asOf, knownAt: query.knownAt },
        successors,
        units,
      );
      if (!answer)
        throw new NotFoundException(
          `There is no agreement ${id} ${query.knownAt ? `known at ${query.knownAt}` : ''}${query.asOf ? ` as of ${query.asOf}` : ''}.`.replace(
            / +\./,
            '.',
          ),
        );
      return answer;
    }
    await this.consistency.waitFor(query, ['agreement-detail', 'membership', 'agreement-register']);
    const [detail, membership, supersededBy, units] = await Promise.all([
      getAgreementDetail(this.db, id),
      membershipOf(this.db, id),
      supersededByOf(this.db, id),
      unitsOf(this.db, id),
    ]);
    if (!detail) throw new NotFoundException(`There is no agreement ${id}.`);
    return { ...detail, membership, supersededBy, units, ...inForceOn(detail, null), replay: null };
  }
}
