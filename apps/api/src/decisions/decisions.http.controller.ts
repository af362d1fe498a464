import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { Clock, Writes } from '#platform';
import {
  type CommandContext,
  ExecuteDecisionCommand,
  IsEntityId,
  IsOccurredAt,
  ReferenceData,
  stamp,
  WriteRequest,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';

export class RecordDecisionRequest extends WriteRequest {
  @ApiProperty({ example: 'hants-tvp-2015-07-contact-centres' }) @IsEntityId() id!: string;
  @ApiProperty({ maxLength: 2000, example: 'Extend joint working to public contact centres.' })
  @IsString()
  @Length(1, 2000)
  summary!: string;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() boardId?: string;
  @ApiPropertyOptional({ description: 'A meeting of boardId.' }) @IsOptional() @IsEntityId() meetingId?: string;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() agreementId?: string;
  @ApiProperty({ description: 'When the decision was taken.' }) @IsOccurredAt() occurredAt!: string;
}

@ApiTags('decisions')
@Controller('decisions')
export class DecisionsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly references: ReferenceData,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Writes({ kind: 'decision' })
  @ApiOperation({ summary: 'Record a decision taken by a board (at a meeting) and/or about an agreement.' })
  @ApiCreatedResponse({ type: WriteResultDto })
  @ApiConflictResponse({ description: 'The decision id is taken (problem+json).' })
  async record(@Body() body: RecordDecisionRequest, @Context() context: CommandContext): Promise<WriteResult> {
    const board = body.boardId === undefined ? undefined : await this.references.board(body.boardId);
    const agreement = body.agreementId === undefined ? undefined : await this.references.agreement(body.agreementId);
    return this.bus.execute(
      new ExecuteDecisionCommand(
        stamp(
          'RecordDecision',
          {
            decisionId: body.id,
            summary: body.summary,
            board,
            meetingId: body.meetingId,
            agreement,
            occurredAt: body.occurredAt,
          },
          this.clock,
        ),
        context,
      ),
    );
  }
}
