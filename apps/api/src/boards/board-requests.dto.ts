import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { BOARD_KINDS, MEMBER_ROLES, type BoardKind, type MemberRole } from '#domain';
import { IsCalendarDate, IsEntityId, IsOccurredAt, IsSlug, WriteRequest } from '#application';

const OCCURRED_AT = 'When it happened: a date (2016-03-31) or a datetime with offset.';

const ROLE_RULE = { message: `role must be one of ${MEMBER_ROLES.join(', ')}.` };

export class BoardMemberDto {
  @ApiProperty({ enum: MEMBER_ROLES, example: 'pcc' }) @IsIn(MEMBER_ROLES, ROLE_RULE) role!: MemberRole;
  @ApiProperty({ example: 'Police and Crime Commissioner for Thames Valley', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;
  @ApiProperty({ example: 'thames-valley', description: 'The body the member represents.' }) @IsSlug() body!: string;
}

const QUORUM_BY_ROLE = (role: string) => `How many distinct bodies represented by a ${role} must attend.`;

export class QuorumByRoleDto {
  @ApiPropertyOptional({ description: QUORUM_BY_ROLE('PCC') }) @IsOptional() @IsInt() @Min(1) @Max(100) pcc?: number;
  @ApiPropertyOptional({ description: QUORUM_BY_ROLE('chief officer') })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  'chief-officer'?: number;
  @ApiPropertyOptional({ description: QUORUM_BY_ROLE('member of another kind') })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  other?: number;
}

/** A board's kind, members by role and quorum by role. */
export class BoardAccountabilityDto {
  @ApiProperty({ enum: BOARD_KINDS, example: 'joint-accountability' })
  @IsIn(BOARD_KINDS, { message: `kind must be one of ${BOARD_KINDS.join(', ')}.` })
  kind!: BoardKind;
  @ApiPropertyOptional({ type: [BoardMemberDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => BoardMemberDto)
  members?: BoardMemberDto[];
  @ApiPropertyOptional({ type: QuorumByRoleDto, example: { pcc: 2 } })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuorumByRoleDto)
  quorumByRole?: QuorumByRoleDto;
}

export class SetBoardAccountabilityRequest extends IntersectionType(WriteRequest, BoardAccountabilityDto) {
  @ApiPropertyOptional({ description: `${OCCURRED_AT} Default: now.` })
  @IsOptional()
  @IsOccurredAt()
  occurredAt?: string;
}

export class ChangeBoardOversightRequest extends WriteRequest {
  @ApiProperty({ example: 'hampshire-tvp-ict' }) @IsEntityId() agreementId!: string;
  @ApiProperty({ enum: ['added', 'removed'] })
  @IsIn(['added', 'removed'], { message: 'change must be one of added, removed.' })
  change!: 'added' | 'removed';
  @ApiPropertyOptional({ description: `${OCCURRED_AT} Default: now.` })
  @IsOptional()
  @IsOccurredAt()
  occurredAt?: string;
}

export class EstablishBoardRequest extends WriteRequest {
  @ApiProperty({ example: 'hampshire-tvp-bilateral', description: 'The board stream is board-<id>.' })
  @IsEntityId()
  id!: string;
  @ApiProperty({ example: 'Hampshire/TVP Bi-lateral Collaboration Governance Board', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;
  @ApiProperty({ type: [String], example: ['hampshire-tvp-bilateral'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsEntityId({ each: true })
  agreements!: string[];
  @ApiProperty({ example: 'Police and Crime Commissioner for Thames Valley', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  chair!: string;
  @ApiProperty({
    example: 92,
    description: 'Terms of reference: the longest allowed gap between meetings, in days (92 ≈ quarterly).',
  })
  @IsInt()
  @Min(1)
  @Max(731)
  maxDaysBetweenMeetings!: number;
  @ApiProperty({ example: 2, description: 'How many distinct bodies must attend for a meeting to be quorate.' })
  @IsInt()
  @Min(1)
  @Max(100)
  quorum!: number;
  @ApiPropertyOptional({
    example: 28,
    description: 'A cancelled meeting must be rearranged within this many days (default 28).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  rearrangeWithinDays?: number;
  @ApiPropertyOptional({
    type: BoardAccountabilityDto,
    description: 'Its kind, members by role and quorum by role (can also be set later).',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BoardAccountabilityDto)
  accountability?: BoardAccountabilityDto;
  @ApiPropertyOptional({ description: `${OCCURRED_AT} Default: now.` })
  @IsOptional()
  @IsOccurredAt()
  occurredAt?: string;
}

export class ChangeBoardTermsRequest extends WriteRequest {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200) chair?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(731) maxDaysBetweenMeetings?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100) quorum?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(365) rearrangeWithinDays?: number;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class ScheduleMeetingRequest extends WriteRequest {
  @ApiProperty({ example: '2015-q2' }) @IsEntityId() meetingId!: string;
  @ApiProperty({ example: '2015-06-15' }) @IsCalendarDate() scheduledFor!: string;
}

export class AttendeeDto {
  @ApiProperty({ example: 'Chief Constable' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'thames-valley', description: 'The body the attendee represents.' }) @IsSlug() body!: string;
  @ApiPropertyOptional({
    enum: MEMBER_ROLES,
    description: 'The role they attended in (counted for the quorum by role).',
  })
  @IsOptional()
  @IsIn(MEMBER_ROLES, ROLE_RULE)
  role?: MemberRole;
}

export class HoldMeetingRequest extends WriteRequest {
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
  @ApiProperty({ type: [AttendeeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  attendees!: AttendeeDto[];
}

export class CancelMeetingRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000, example: 'Chair unavailable' }) @IsString() @Length(1, 2000) reason!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class RearrangeMeetingRequest extends WriteRequest {
  @ApiProperty({ example: '2015-07-20' }) @IsCalendarDate() newDate!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}
