import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BoardCommand } from '#domain';
import { AdminOnly, Clock, WritesBoard } from '#platform';
import {
  type CommandContext,
  EntityIdParam,
  ExecuteBoardCommand,
  ReferenceData,
  stamp,
  type WriteResult,
} from '#application';
import { Context } from '../commands/request-context.js';
import { WriteResultDto } from '../commands/write-result.dto.js';
import {
  CancelMeetingRequest,
  ChangeBoardOversightRequest,
  ChangeBoardTermsRequest,
  EstablishBoardRequest,
  HoldMeetingRequest,
  RearrangeMeetingRequest,
  ScheduleMeetingRequest,
  SetBoardAccountabilityRequest,
} from './board-requests.dto.js';

const Id = () => Param('id', new EntityIdParam('id'));
const MeetingId = () => Param('mid', new EntityIdParam('mid'));

@ApiTags('boards')
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A retried request with the same key appends nothing and gets the first answer.',
})
@ApiCreatedResponse({ type: WriteResultDto })
@ApiConflictResponse({
  description: 'A rule of the board is broken, or the record changed since expectedRevision (problem+json).',
})
@Controller('boards')
export class BoardsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly references: ReferenceData,
    private readonly clock: Clock,
  ) {}

  private execute(command: BoardCommand, context: CommandContext): Promise<WriteResult> {
    return this.bus.execute(new ExecuteBoardCommand(command, context));
  }

  /** Every member's body must be one the register knows. */
  private async checkMembers(members: readonly { body: string }[] | undefined, field: string): Promise<void> {
    await Promise.all((members ?? []).map((m, i) => this.references.body(m.body, `${field}[${i}].body`)));
  }

  @Post()
  @HttpCode(201)
  @AdminOnly('establish governance boards')
  @ApiOperation({ summary: 'Establish a governance board over one or more agreements, with its terms of reference.' })
  async establish(@Body() body: EstablishBoardRequest, @Context() context: CommandContext): Promise<WriteResult> {
    const agreements = await Promise.all(body.agreements.map((id) => this.references.agreement(id)));
    await this.checkMembers(body.accountability?.members, 'accountability.members');
    return this.execute(
      stamp(
        'EstablishBoard',
        {
          boardId: body.id,
          name: body.name,
          agreements,
          chair: body.chair,
          maxDaysBetweenMeetings: body.maxDaysBetweenMeetings,
          quorum: body.quorum,
          rearrangeWithinDays: body.rearrangeWithinDays ?? 28,
          accountability: body.accountability ?? null,
          occurredAt: body.occurredAt,
        },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/terms')
  @HttpCode(201)
  @WritesBoard()
  @ApiOperation({ summary: "Change the board's chair or terms of reference." })
  changeTerms(
    @Id() id: string,
    @Body() body: ChangeBoardTermsRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const { chair, maxDaysBetweenMeetings, quorum, rearrangeWithinDays, occurredAt } = body;
    return this.execute(
      stamp(
        'ChangeBoardTerms',
        { boardId: id, chair, maxDaysBetweenMeetings, quorum, rearrangeWithinDays, occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/accountability')
  @HttpCode(201)
  @WritesBoard()
  @ApiOperation({
    summary: "Record the board's kind, members by role and quorum by role (replacing the previous ones) from a date.",
  })
  async setAccountability(
    @Id() id: string,
    @Body() body: SetBoardAccountabilityRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const { kind, members, quorumByRole, occurredAt } = body;
    await this.checkMembers(members, 'members');
    return this.execute(
      stamp(
        'SetBoardAccountability',
        { boardId: id, accountability: { kind, members, quorumByRole: { ...quorumByRole } }, occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/oversight')
  @HttpCode(201)
  @WritesBoard()
  @ApiOperation({ summary: 'Add an agreement to those the board oversees, or remove one, from a date.' })
  async changeOversight(
    @Id() id: string,
    @Body() body: ChangeBoardOversightRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    const agreement = await this.references.agreement(body.agreementId);
    return this.execute(
      stamp(
        'ChangeBoardOversight',
        { boardId: id, change: body.change, agreement, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/meetings')
  @HttpCode(201)
  @WritesBoard()
  @ApiOperation({ summary: 'Schedule a board meeting.' })
  schedule(
    @Id() id: string,
    @Body() body: ScheduleMeetingRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp('ScheduleMeeting', { boardId: id, meetingId: body.meetingId, scheduledFor: body.scheduledFor }, this.clock),
      context,
    );
  }

  @Post(':id/meetings/:mid/held')
  @HttpCode(201)
  @WritesBoard()
  @ApiOperation({ summary: 'Record that a meeting was held and who attended; quorum is computed from the attendees.' })
  async held(
    @Id() id: string,
    @MeetingId() mid: string,
    @Body() body: HoldMeetingRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    await Promise.all(body.attendees.map((a, i) => this.references.body(a.body, `attendees[${i}].body`)));
    const attendees = body.attendees.map((a) => ({ name: a.name, body: a.body, ...(a.role ? { role: a.role } : {}) }));
    return this.execute(
      stamp('HoldMeeting', { boardId: id, meetingId: mid, attendees, occurredAt: body.occurredAt }, this.clock),
      context,
    );
  }

  @Post(':id/meetings/:mid/cancellation')
  @HttpCode(201)
  @WritesBoard()
  @ApiOperation({ summary: 'Record that a meeting was cancelled.' })
  cancel(
    @Id() id: string,
    @MeetingId() mid: string,
    @Body() body: CancelMeetingRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'CancelMeeting',
        { boardId: id, meetingId: mid, reason: body.reason, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }

  @Post(':id/meetings/:mid/rearrangement')
  @HttpCode(201)
  @WritesBoard()
  @ApiOperation({ summary: 'Rearrange a meeting (a cancelled one is back on at the new date).' })
  rearrange(
    @Id() id: string,
    @MeetingId() mid: string,
    @Body() body: RearrangeMeetingRequest,
    @Context() context: CommandContext,
  ): Promise<WriteResult> {
    return this.execute(
      stamp(
        'RearrangeMeeting',
        { boardId: id, meetingId: mid, newDate: body.newDate, occurredAt: body.occurredAt },
        this.clock,
      ),
      context,
    );
  }
}
