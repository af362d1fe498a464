import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SqlDatabase } from '#event-store';
import { publicRegisterOf, type PublicRegisterEntry } from '#projections';
import { csvField, ReferenceData } from '#application';
import { PublicRead } from '#platform';
import { BodySlugParam } from '../bodies/body-slug.param.js';
import { pageOf, PagedQuery, windowOf } from '../queries/page.js';
import { ReadYourWrites } from '../queries/read-your-writes.js';

export class PublicRegisterQuery extends PagedQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: the same as `Accept: text/csv`.' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

const CSV_COLUMNS = [
  'agreementId',
  'title',
  'details',
  'purpose',
  'legalBasis',
  'scope',
  'parties',
  'signedOn',
  'inForceFrom',
  'endedOn',
  'publishedOn',
  'publishedBy',
  'documentUrl',
  'reference',
] as const;

/** One line per agreement; an exempt one leaves every column past its title and purpose empty but publishedOn. */
function registerCsv(entries: readonly PublicRegisterEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of entries) {
    const full = entry.details === 'full' ? entry : null;
    const row: Record<(typeof CSV_COLUMNS)[number], string | null> = {
      agreementId: entry.agreementId,
      title: entry.title,
      details: entry.details,
      purpose: entry.purpose,
      legalBasis: full?.legalBasis ?? null,
      scope: full?.scope ?? null,
      parties: full ? full.parties.map((p) => p.name).join('; ') : null,
      signedOn: full?.signedOn ?? null,
      inForceFrom: full?.inForceFrom ?? null,
      endedOn: full?.endedOn ?? null,
      publishedOn: entry.publishedOn,
      publishedBy: full?.publishedBy ?? null,
      documentUrl: full?.documentUrl ?? null,
      reference: full?.reference ?? null,
    };
    lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/*
 * The s23E register (Police Act 1996 s23E: a policing body publishes its collaboration agreements, or limited
 * details where publishing would harm security): the only data route that needs no token (docs/security.md,
 * "What is public"). It answers from the publication read model, which leaves out what is not published and
 * cuts an exempt agreement to its title and purpose.
 */
@ApiTags('public')
@Controller('public')
export class PublicRegisterController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly references: ReferenceData,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get('bodies/:id/agreements')
  @PublicRead()
  @ApiOperation({
    summary:
      'No token needed: the published collaboration agreements a force (and so its policing body) is or was party to, by title; a page and the next cursor.',
    description:
      'Published in full: title, purpose, parties, legal basis, scope, dates signed / in force / ended, publishedOn, documentUrl or reference. ' +
      'Exempt under s23E (`details: "limited"`): title and purpose only. Unpublished and withdrawn agreements are not listed. ' +
      'JSON by default; CSV with `Accept: text/csv` or `format=csv`. Without a token, limited per address (RATE_LIMIT_PUBLIC).',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '{ body: { id, name }, agreements: [...], next }' })
  async agreements(
    @Param('id', BodySlugParam) id: string,
    @Query() query: PublicRegisterQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const body = await this.references.bodyOrNotFound(id);
    await this.consistency.waitFor(query, ['publication', 'agreement-detail']);
    const page = pageOf(await publicRegisterOf(this.db, id, windowOf(query)), query, (e) => [e.agreementId]);
    const csv = query.format === 'csv' || (query.format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
    if (csv) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="published-agreements-${id}.csv"`);
      if (page.next !== null) {
        const limit = query.limit === undefined ? '' : `&limit=${query.limit}`;
        response.setHeader(
          'Link',
          `</public/bodies/${id}/agreements?format=csv${limit}&cursor=${page.next}>; rel="next"`,
        );
      }
      return registerCsv(page.rows);
    }
    return { body: { id: body.id, name: body.name }, agreements: page.rows, next: page.next };
  }
}
