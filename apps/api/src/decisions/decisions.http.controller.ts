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
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { DECISION_MAKER_KINDS, type DecisionMakerKind } from '#domain';
import { Clock, Writes } from '#platform';
import {
  type CommandContext,
  ExecuteDecisionCommand,
  IsEntityId,
  IsOccurredAt,
  IsSlug,
  ReferenceData,
  stamp,
  WriteRequest,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';

export class DecisionMakerDto {
  @ApiProperty({
    enum: DECISION_MAKER_KINDS,
    description: 'Who decided: the board, a PCC, a chief officer, or another body.',
  })
  @IsIn(DECISION_MAKER_KINDS)
  kind!: DecisionMakerKind;
  @ApiPropertyOptional({ example: 'thames-valley', description: 'The force, for `pcc` and `chief-officer`.' })
  @IsOptional()
  @IsSlug()
  bodyId?: string;
  @ApiPropertyOptional({ example: 'Home Secretary', description: 'The body, for `other`.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class DecisionNoticeDto {
  @ApiProperty({ example: 'PCC 2015/017' }) @IsString() @Length(1, 64) number!: string;
  @ApiPropertyOptional({ example: 'https://www.thamesvalley-pcc.gov.uk/decisions/2015-017' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;
}

export class RecordDecisionRequest extends WriteRequest {
  @ApiProperty({ example: 'hants-tvp-2015-07-contact-centres' }) @IsEntityId() id!: string;
  @ApiProperty({ maxLength: 2000, example: 'Extend joint working to public contact centres.' })
  @IsString()
  @Length(1, 2000)
  summary!: string;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() boardId?: string;
  @ApiPropertyOptional({ description: 'A meeting of boardId.' }) @IsOptional() @IsEntityId() meetingId?: string;
  @ApiPropertyOptional() @IsOptional() @IsEntityId() agreementId?: string;
  @ApiPropertyOptional({ type: DecisionMakerDto, description: 'Default: the board, when boardId is given.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DecisionMakerDto)
  madeBy?: DecisionMakerDto;
  @ApiPropertyOptional({ type: DecisionNoticeDto, description: 'The published decision notice it was made under.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DecisionNoticeDto)
  decisionNotice?: DecisionNoticeDto;
  @ApiPropertyOptional({ type: [String], description: 'Parties of agreementId that approved it.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsSlug({ each: true })
  approvedBy?: string[];
  @ApiPropertyOptional({ description: 'The variation of agreementId it relates to.' })
  @IsOptional()
  @IsEntityId()
  variationId?: string;
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
    const agreement =
      body.agreementId === undefined ? undefined : await this.references.agreementWithParties(body.agreementId);
    const maker = body.madeBy;
    const madeBy =
      maker === undefined
        ? undefined
        : {
            kind: maker.kind,
            body: maker.bodyId === undefined ? null : await this.references.body(maker.bodyId, 'madeBy.bodyId'),
            name: maker.name ?? null,
          };
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
            madeBy,
            decisionNotice: body.decisionNotice,
            approvedBy: body.approvedBy,
            variationId: body.variationId,
            occurredAt: body.occurredAt,
          },
          this.clock,
        ),
        context,
      ),
    );
  }
}
