import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ALERT_VIEW_STATUSES, getAlert, listAlerts, type AlertViewStatus } from '#alerting';
import { ALERT_RULES, ALERT_SEVERITIES, type AlertRule, type AlertSeverity } from '#domain';
import { displayActorText, SqlDatabase } from '#event-store';
import { Clock, Writes } from '#platform';
import {
  type CommandContext,
  EntityIdParam,
  ExecuteAlertCommand,
  IsEntityId,
  stamp,
  WriteRequest,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';
import { pageOf, PagedQuery, windowOf } from '../queries/page.js';
import { ConsistentQuery, ReadYourWrites } from '../queries/read-your-writes.js';

export class AlertsQuery extends PagedQuery {
  @ApiPropertyOptional({ enum: ALERT_VIEW_STATUSES }) @IsOptional() @IsIn(ALERT_VIEW_STATUSES) status?: AlertViewStatus;
  @ApiPropertyOptional({ enum: ALERT_RULES }) @IsOptional() @IsIn(ALERT_RULES) rule?: AlertRule;
  @ApiPropertyOptional({ enum: ALERT_SEVERITIES }) @IsOptional() @IsIn(ALERT_SEVERITIES) severity?: AlertSeverity;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() boardId?: string;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() agreementId?: string;
}

export class AcknowledgeAlertRequest extends WriteRequest {
  @ApiPropertyOptional({ maxLength: 2000, example: 'Chair asked to rearrange before the panel on 21 October.' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/** Alerts are events like every other fact: who acknowledged what, and when the service knew. */
@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly bus: CommandBus,
    private readonly clock: Clock,
    private readonly consistency: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Alerts raised by the compliance rules, most severe first, then the latest raised; a page and the next cursor.',
  })
  async list(@Query() query: AlertsQuery) {
    await this.consistency.waitFor(query, ['alerts']);
    const { status, rule, severity, boardId, agreementId } = query;
    const rows = await listAlerts(this.db, { status, rule, severity, boardId, agreementId }, windowOf(query));
    const page = pageOf(rows, query, (a) => [a.alertId]);
    return { alerts: page.rows, next: page.next };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert.' })
  async one(@Param('id', new EntityIdParam('id')) id: string, @Query() query: ConsistentQuery) {
    await this.consistency.waitFor(query, ['alerts']);
    const alert = await getAlert(this.db, id);
    if (!alert) throw new NotFoundException(`There is no alert ${id}.`);
    return alert;
  }

  @Post(':id/acknowledgement')
  @HttpCode(201)
  @Writes({ kind: 'alert', param: 'id' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Acknowledge an open alert, with a note; the alert stays until its condition clears.' })
  @ApiCreatedResponse({ type: WriteResultDto })
  acknowledge(
    @Param('id', new EntityIdParam('id')) id: string,
    @Body() body: AcknowledgeAlertRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.bus.execute(
      new ExecuteAlertCommand(
        stamp(
          'AcknowledgeAlert',
          { alertId: id, acknowledgedBy: displayActorText(context.actor), note: body.note ?? null },
          this.clock,
        ),
        context,
      ),
    );
  }
}
