import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { type CommandContext, erasePerson } from '#application';
import { EventStore, PEOPLE_STREAM_ID, PersonKeys, SqlDatabase } from '#event-store';
import { AdminOnly, Clock } from '#platform';
import { READ_MODEL_PROJECTIONS } from '#projections';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';

export class ErasePersonRequest {
  @ApiProperty({ example: 'Jane Smith', maxLength: 200, description: 'Compared ignoring case and spacing.' })
  @IsString()
  @Length(1, 200)
  name!: string;
  @ApiProperty({ example: 'Erasure request 2026/14 (UK GDPR art. 17)', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class PersonErasedDto extends WriteResultDto {
  @ApiProperty({ description: 'The person id the PersonErased event names (never the name).' }) personId!: string;
  @ApiProperty({ type: [String], description: 'The read models rebuilt, so that none still shows the name.' })
  rebuilt!: string[];
}

@ApiTags('people')
@Controller('people')
export class PeopleController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly keys: PersonKeys,
    private readonly clock: Clock,
  ) {}

  @Post('erasure')
  @HttpCode(201)
  @AdminOnly('erase personal data')
  @ApiOperation({
    summary:
      'Erase a person\'s name from every event and read model: their key is destroyed, so the name reads "erased" and the hash chain still verifies.',
  })
  @ApiCreatedResponse({ type: PersonErasedDto })
  @ApiNotFoundResponse({ description: 'No one of that name is recorded, or they were already erased (problem+json).' })
  async erase(@Body() body: ErasePersonRequest, @Context() context: CommandContext): Promise<PersonErasedDto> {
    const result = await erasePerson(
      { db: this.db, store: this.store, keys: this.keys, projections: READ_MODEL_PROJECTIONS },
      {
        name: body.name,
        reason: body.reason,
        actor: context.actor,
        now: this.clock.now(),
        correlationId: context.correlationId,
      },
    );
    return {
      streamId: PEOPLE_STREAM_ID,
      revision: result.revision,
      position: result.position,
      firstPosition: result.position,
      replayed: false,
      personId: result.personId,
      rebuilt: result.rebuilt,
    };
  }
}
