import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { actorDisplay, EventStore, parseActor, type ReadActor, type StoredEvent } from '#event-store';
import { MAX_REVISION } from '#application';
import { IsEventPosition, parseQueryPosition } from '../queries/query-validators.js';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/;

/** The stored envelope with its actor read back into its structure, and rendered for people. */
function envelopeOf(event: StoredEvent): EventEnvelopeDto {
  const actor = parseActor(event.actor);
  return { ...event, actor, actorDisplay: actorDisplay(actor) };
}

export class StreamEventsQuery {
  @ApiPropertyOptional({ description: 'First revision to return (0-based).', minimum: 0, maximum: MAX_REVISION })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_REVISION)
  fromRevision?: number;

  @ApiPropertyOptional({ description: 'At most this many events (1–1000, default 100).', minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class GlobalEventsQuery {
  @ApiPropertyOptional({ description: 'First global position to return (inclusive). Default: the start of the log.' })
  @IsOptional()
  @IsEventPosition()
  fromPosition?: string;

  @ApiPropertyOptional({ description: 'At most this many events (1–1000, default 100).', minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class EventEnvelopeDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty({ description: '0-based position in the stream.' }) revision!: number;
  @ApiProperty({ description: 'Global position: strictly increasing, never reused.' }) position!: string;
  @ApiProperty() schemaVersion!: number;
  @ApiProperty({ description: 'Valid time: when it happened in the world.' }) occurredAt!: string;
  @ApiProperty({ description: 'Transaction time: when the service recorded it.' }) recordedAt!: string;
  @ApiProperty({
    type: Object,
    description:
      'Who recorded it: { kind (admin, officer, auditor, system), sub, force, issuer, source? }. An event recorded before ' +
      'actors were structured keeps its text, parsed as well as it can be, in legacyText (kind unknown when it names none).',
    example: { kind: 'officer', sub: 'jane.doe', force: 'thames-valley', issuer: 'governance-tracker' },
  })
  actor!: ReadActor;
  @ApiProperty({ description: 'Who recorded it, for people.', example: 'officer:jane.doe (thames-valley)' })
  actorDisplay!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ nullable: true, type: String }) causationId!: string | null;
  @ApiProperty({
    required: false,
    description: 'The W3C traceparent the append was made under (docs/operations.md, "Tracing"); absent when none.',
    example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  })
  traceparent?: string;
  @ApiProperty({ type: Object }) data!: unknown;
}

export class EventPageDto {
  @ApiProperty({ type: [EventEnvelopeDto] }) events!: EventEnvelopeDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as fromPosition (or fromRevision) for the next page; null at the end.',
  })
  next!: string | number | null;
}

/** The audit trail: stored events with their full envelopes, as auditors replay them. */
@ApiTags('audit trail')
@Controller()
export class AuditTrailController {
  constructor(private readonly store: EventStore) {}

  @Get('streams/:streamId/events')
  @ApiOperation({ summary: 'Events of one stream (e.g. agreement-zephyr, board-hants-tvp), in revision order.' })
  @ApiOkResponse({ type: EventPageDto })
  async streamEvents(@Param('streamId') streamId: string, @Query() query: StreamEventsQuery): Promise<EventPageDto> {
    if (!STREAM_ID.test(streamId)) throw new NotFoundException(`There is no stream ${streamId}.`);
    const limit = query.limit ?? 100;
    const fromRevision = query.fromRevision ?? 0;
    const events = await this.store.readStream(streamId, { fromRevision, maxCount: limit + 1 });
    if (events.length === 0 && (await this.store.readStream(streamId, { maxCount: 1 })).length === 0) {
      throw new NotFoundException(`There is no stream ${streamId}.`);
    }
    const page = events.slice(0, limit);
    return { events: page.map(envelopeOf), next: events.length > limit ? fromRevision + limit : null };
  }

  @Get('events')
  @ApiOperation({ summary: 'The global log from a position, in position order.' })
  @ApiOkResponse({ type: EventPageDto })
  async allEvents(@Query() query: GlobalEventsQuery): Promise<EventPageDto> {
    const limit = query.limit ?? 100;
    const fromPosition =
      query.fromPosition === undefined ? undefined : parseQueryPosition(this.store, 'fromPosition', query.fromPosition);
    const events: StoredEvent[] = await this.store.readAll({ fromPosition, maxCount: limit + 1 });
    const page = events.slice(0, limit);
    return {
      events: page.map(envelopeOf),
      next: events.length > limit ? (events[limit] as StoredEvent).position : null,
    };
  }
}
