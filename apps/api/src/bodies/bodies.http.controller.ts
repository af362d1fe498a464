import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { BODY_KINDS, type BodyKind } from '#domain';
import { AdminOnly, Clock } from '#platform';
import {
  type CommandContext,
  ExecuteBodyRegistryCommand,
  IsSlug,
  stamp,
  WriteRequest,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';

export class RegisterBodyRequest extends WriteRequest {
  @ApiProperty({
    example: 'hm-revenue-customs',
    description: 'Slug of the body; police forces are already known by theirs.',
  })
  @IsSlug()
  id!: string;
  @ApiProperty({ example: 'HM Revenue & Customs', maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: BODY_KINDS }) @IsIn(BODY_KINDS) kind!: BodyKind;
}

@ApiTags('bodies')
@Controller('bodies')
export class BodiesController {
  constructor(
    private readonly bus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @AdminOnly('register bodies')
  @ApiOperation({
    summary: 'Register a body that is not a police force (HMRC, CPS, a fire and rescue authority, a council).',
  })
  @ApiCreatedResponse({ type: WriteResultDto })
  @ApiConflictResponse({ description: 'The slug is taken (problem+json).' })
  register(@Body() body: RegisterBodyRequest, @Context() context: CommandContext): Promise<WriteResult> {
    return this.bus.execute(
      new ExecuteBodyRegistryCommand(
        stamp('RegisterBody', { bodyId: body.id, name: body.name, kind: body.kind }, this.clock),
        context,
      ),
    );
  }
}
