import { Controller, Get, Inject, NotImplementedException } from '@nestjs/common';
import { ApiNotImplementedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '#config';
import { CHAIN_KEPT_BY_SQL_ONLY, SqlDatabase, verifyLog } from '#event-store';
import { APP_CONFIG } from '../infrastructure/config.module.js';

export class IntegrityReportDto {
  @ApiProperty({ description: 'True when every event matches its hash and links to the one before it.' })
  ok!: boolean;
  @ApiPropertyOptional({ description: 'Events verified (intact log).' })
  events?: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Last position verified (intact log).' })
  headPosition?: string | null;
  @ApiPropertyOptional({ description: 'Hash of the last event: record it; a later check must still reach it unchanged.' })
  headHash?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'First position where the chain breaks.' })
  brokenAt?: string | null;
  @ApiPropertyOptional({
    enum: ['hash-mismatch', 'broken-link', 'missing-hash', 'out-of-order'],
    description: 'hash-mismatch: the event was edited or moved; broken-link: an event before it was deleted or inserted; missing-hash: written around the store.',
  })
  reason?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) expected?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) actual?: string | null;
  @ApiPropertyOptional({ description: 'Events verified before the break.' })
  eventsVerified?: number;
}

/**
 * Tamper evidence for auditors: walks the hash chain of the whole log and reports (200 either way)
 * that it is intact, or the first position where it breaks.
 */
@ApiTags('audit trail')
@Controller('integrity')
export class IntegrityController {
  constructor(
    private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Verify the hash chain of the event log (auditors); names the first broken position.' })
  @ApiOkResponse({ type: IntegrityReportDto })
  @ApiNotImplementedResponse({ description: 'Events are kept in KurrentDB (EVENT_STORE=kurrentdb), which has no hash chain.' })
  async check(): Promise<IntegrityReportDto> {
    if (this.config.eventStore !== 'sql') throw new NotImplementedException(CHAIN_KEPT_BY_SQL_ONLY);
    const result = await verifyLog(this.db);
    if (result.ok) {
      return { ok: true, events: result.events, headPosition: result.headPosition, headHash: result.headHash };
    }
    return {
      ok: false,
      brokenAt: result.position,
      reason: result.reason,
      detail: result.detail,
      expected: result.expected,
      actual: result.actual,
      eventsVerified: result.events,
    };
  }
}
