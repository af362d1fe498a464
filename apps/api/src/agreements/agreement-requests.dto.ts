import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsAmountGbp, IsCalendarDate, IsEntityId, IsOccurredAt, IsSlug, WriteRequest } from '#application';
import { IsFinancialYear } from '../queries/query-validators.js';

import {
  AGREEMENT_SCOPES,
  BASIS_POINTS_WHOLE,
  DELIVERY_MODELS,
  LEGAL_BASES,
  MAX_DECLARED_MEMBERS,
  NOTICE_UNITS,
  PARTY_FACTS,
  PRECISE_FACTS,
  PARTY_CAPACITIES,
  RECORDED_DATE_PRECISIONS,
  SAVINGS_KINDS,
  type NoticeUnit,
  type PreciseFact,
  type AgreementScope,
  type DeliveryModel,
  type LegalBasis,
  type PartyCapacity,
  type RecordedDatePrecision,
  type SavingsKind,
} from '#domain';

const OCCURRED_AT = 'When it happened: a date (2016-03-31) or a datetime with offset. Late entries are normal.';

const CAPACITY =
  'The capacity a police force is a party in (Police Act 1996 s22A): its chief officer, its local policing body, ' +
  'or both. Only for a body with a policing body; on s23A not chief-officer alone. A party that is only its ' +
  'policing body is asked no separate approval. Absent: not recorded (approval asked, as before).';

export class PartyCapacityDto {
  @ApiProperty({ example: 'gloucestershire', description: 'One of the parties drafted.' })
  @IsSlug()
  party!: string;

  @ApiProperty({ enum: PARTY_CAPACITIES, description: CAPACITY })
  @IsIn(PARTY_CAPACITIES)
  capacity!: PartyCapacity;
}

export class DeclaredMembershipDto {
  @ApiProperty({ maxLength: 500, example: '25 police forces and 7 fire and rescue authorities' })
  @IsString()
  @Length(1, 500)
  description!: string;

  @ApiProperty({
    minimum: 2,
    maximum: MAX_DECLARED_MEMBERS,
    example: 32,
    description: 'How many members the source says there are, named or not (at least the parties named).',
  })
  @IsInt()
  @Min(2)
  @Max(MAX_DECLARED_MEMBERS)
  count!: number;
}

export class DraftAgreementRequest extends WriteRequest {
  @ApiProperty({ example: 'zephyr', description: 'Slug that names the agreement; its stream is agreement-<id>.' })
  @IsEntityId()
  id!: string;

  @ApiProperty({ example: 'South West Regional Organised Crime Unit (Zephyr)', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiProperty({
    enum: LEGAL_BASES,
    description:
      'What it is made under: Police Act 1996 s22A (force collaboration, national ones included), s23A (support ' +
      'services), another statute (other) or an MoU. Its reach is scope, not this.',
  })
  @IsIn(LEGAL_BASES, {
    message:
      'legalBasis must be one of s22A, s23A, other, mou; "national" is a scope: give the statute as legalBasis ' +
      '(s22A for a national collaboration of chief officers) and scope "national".',
  })
  legalBasis!: LegalBasis;

  @ApiPropertyOptional({
    enum: AGREEMENT_SCOPES,
    description: 'How far it reaches: some forces (local), a region (regional), England and Wales (national).',
  })
  @IsOptional()
  @IsIn(AGREEMENT_SCOPES)
  scope?: AgreementScope;

  @ApiProperty({ example: 'serious and organised crime', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  businessArea!: string;

  @ApiProperty({ enum: DELIVERY_MODELS })
  @IsIn(DELIVERY_MODELS)
  deliveryModel!: DeliveryModel;

  @ApiProperty({
    type: [String],
    example: ['avon-somerset', 'devon-cornwall', 'dorset', 'gloucestershire', 'wiltshire'],
    description:
      'The bodies that are parties: at least two, or at least one with declaredMembership (too-few-parties, 422).',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsSlug({ each: true })
  parties!: string[];

  @ApiPropertyOptional({
    type: [PartyCapacityDto],
    description: `The capacity of each police party, where known; a party left out is not recorded. ${CAPACITY}`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PartyCapacityDto)
  partyCapacities?: PartyCapacityDto[];

  @ApiPropertyOptional({
    type: DeclaredMembershipDto,
    description:
      'What the source says of members it does not name; the agreement is shown as "1 of 32 members named", and ' +
      'may then be drafted with one named party.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeclaredMembershipDto)
  declaredMembership?: DeclaredMembershipDto;

  @ApiPropertyOptional({
    example: 'avon-somerset',
    description: 'The force that hosts the collaboration (required for host-force delivery).',
  })
  @IsOptional()
  @IsSlug()
  hostForce?: string;

  @ApiPropertyOptional({ description: 'The agreement this one is a functional unit of (e.g. RART within Zephyr).' })
  @IsOptional()
  @IsEntityId()
  parentId?: string;

  @ApiPropertyOptional({ example: '2018-03-31' })
  @IsOptional()
  @IsCalendarDate()
  reviewDue?: string;

  @ApiPropertyOptional({
    example: '2018-04-01',
    description:
      'The day it is planned to commence, if one is (not before it is drafted); re-plan it at /planned-start.',
  })
  @IsOptional()
  @IsCalendarDate()
  plannedStart?: string;

  @ApiPropertyOptional({ description: `${OCCURRED_AT} Default: now.` })
  @IsOptional()
  @IsOccurredAt()
  occurredAt?: string;
}

export class ReplanStartRequest extends WriteRequest {
  @ApiProperty({ example: '2018-09-01', description: 'The day it is now planned to commence (not before occurredAt).' })
  @IsCalendarDate()
  plannedStart!: string;
  @ApiProperty({ maxLength: 2000, example: 'May be September: the host force is not yet decided.' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class SupersessionRequest extends WriteRequest {
  @ApiProperty({ example: 'gwent-air-support', description: 'The agreement this one replaces (it must exist).' })
  @IsEntityId()
  supersedes!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class SignAgreementRequest extends WriteRequest {
  @ApiProperty({ example: 'dorset' }) @IsSlug() party!: string;
  @ApiProperty({ example: 'Chief Constable of Dorset Police', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  signedBy!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class PccApprovalRequest extends WriteRequest {
  @ApiProperty({ example: 'dorset' }) @IsSlug() party!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

const DATE_PRECISION =
  'How exactly the source gives occurredAt (issue 15): day (default), month (occurredAt is its first day), year ' +
  "(1 January) or on-or-before (the source says only that it had happened by then, e.g. a register page's date).";

export class CommencementRequest extends WriteRequest {
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
  @ApiPropertyOptional({ enum: RECORDED_DATE_PRECISIONS, default: 'day', description: DATE_PRECISION })
  @IsOptional()
  @IsIn(RECORDED_DATE_PRECISIONS)
  datePrecision?: RecordedDatePrecision;
}

/** A signature of the agreement itself (a variation's signature takes no precision). */
export class DatedSignatureRequest extends SignAgreementRequest {
  @ApiPropertyOptional({ enum: RECORDED_DATE_PRECISIONS, default: 'day', description: DATE_PRECISION })
  @IsOptional()
  @IsIn(RECORDED_DATE_PRECISIONS)
  datePrecision?: RecordedDatePrecision;
}

export class DatedPccApprovalRequest extends PccApprovalRequest {
  @ApiPropertyOptional({ enum: RECORDED_DATE_PRECISIONS, default: 'day', description: DATE_PRECISION })
  @IsOptional()
  @IsIn(RECORDED_DATE_PRECISIONS)
  datePrecision?: RecordedDatePrecision;
}

export class HostChangeRequest extends WriteRequest {
  @ApiProperty({ example: 'wiltshire' }) @IsSlug() hostForce!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class PartyRequest extends WriteRequest {
  @ApiProperty({ example: 'gwent' }) @IsSlug() party!: string;
  @ApiPropertyOptional({ enum: PARTY_CAPACITIES, description: CAPACITY })
  @IsOptional()
  @IsIn(PARTY_CAPACITIES)
  capacity?: PartyCapacity;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
  @ApiPropertyOptional({ enum: RECORDED_DATE_PRECISIONS, default: 'day', description: DATE_PRECISION })
  @IsOptional()
  @IsIn(RECORDED_DATE_PRECISIONS)
  datePrecision?: RecordedDatePrecision;
}

export class NoticeOverrideDto {
  @ApiProperty({ maxLength: 200, example: "The other parties' chief constables" })
  @IsString()
  @Length(1, 200)
  acceptedBy!: string;
  @ApiProperty({ maxLength: 2000, example: 'Gloucestershire joins the new regional unit on 1 April.' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class WithdrawalNoticeRequest extends WriteRequest {
  @ApiProperty({ example: 'gloucestershire' }) @IsSlug() party!: string;
  @ApiProperty({
    example: '2019-03-31',
    description: "The day the withdrawal takes effect: at least the terms' notice period after occurredAt.",
  })
  @IsCalendarDate()
  effectiveOn!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
  @ApiPropertyOptional({ enum: RECORDED_DATE_PRECISIONS, default: 'day', description: DATE_PRECISION })
  @IsOptional()
  @IsIn(RECORDED_DATE_PRECISIONS)
  datePrecision?: RecordedDatePrecision;
  @ApiPropertyOptional({
    type: NoticeOverrideDto,
    description: 'Shorter notice than the notice period, accepted by whom and why (refused when not needed).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NoticeOverrideDto)
  override?: NoticeOverrideDto;
}

export class NoticePeriodDto {
  @ApiProperty({ example: 12, minimum: 1, description: 'Positive: at most 120 months or 3650 days.' })
  @IsInt()
  @Min(1)
  @Max(3650)
  length!: number;
  @ApiProperty({ enum: NOTICE_UNITS }) @IsIn(NOTICE_UNITS) unit!: NoticeUnit;
}

export class ContributionDto {
  @ApiProperty({ example: 'avon-somerset', description: 'A current party.' }) @IsSlug() party!: string;
  @ApiPropertyOptional({
    example: 4500,
    description: 'Share in basis points (10000 = 100%); shares given must add up to 10000. Or amountPence.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(BASIS_POINTS_WHOLE)
  shareBasisPoints?: number;
  @ApiPropertyOptional({ example: 150000000, description: 'A fixed amount in pence a year. Or shareBasisPoints.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000_000_000)
  amountPence?: number;
}

export class TermsDto {
  @ApiProperty({ maxLength: 2000, example: 'One specialist operations service for the three forces.' })
  @IsString()
  @Length(1, 2000)
  purpose!: string;
  @ApiPropertyOptional({ maxLength: 4000, description: 'Why it is in the interests of efficiency or effectiveness.' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  efficiencyCase?: string;
  @ApiPropertyOptional({ type: [String], example: ['firearms', 'dogs', 'roads policing'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  functions?: string[];
  @ApiProperty({ enum: DELIVERY_MODELS }) @IsIn(DELIVERY_MODELS) deliveryModel!: DeliveryModel;
  @ApiPropertyOptional({ example: 'avon-somerset', description: 'A party; required for host-force delivery.' })
  @IsOptional()
  @IsSlug()
  hostForce?: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Who has direction and control of the staff.' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  directionAndControl?: string;
  @ApiPropertyOptional({ type: [ContributionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ContributionDto)
  contributions?: ContributionDto[];
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @Length(1, 4000) liability?: string;
  @ApiPropertyOptional({ type: NoticePeriodDto, description: 'Notice a party must give to withdraw.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NoticePeriodDto)
  noticePeriod?: NoticePeriodDto;
  @ApiPropertyOptional({ maxLength: 4000, description: 'Exit and cost-sharing terms.' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  exitTerms?: string;
  @ApiPropertyOptional({ example: 12 }) @IsOptional() @IsInt() @Min(1) @Max(120) reviewCycleMonths?: number;
}

export class SetTermsRequest extends WriteRequest {
  @ApiProperty({ example: '2015-04-01', description: 'The day this version takes effect (not before the last).' })
  @IsCalendarDate()
  effectiveFrom!: string;
  @ApiProperty({ type: TermsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TermsDto)
  terms!: TermsDto;
  @ApiPropertyOptional({ description: `When the terms were agreed. ${OCCURRED_AT} Default: now.` })
  @IsOptional()
  @IsOccurredAt()
  occurredAt?: string;
}

/** Any of a proposal's fields makes the request one, so each of the others is then required. */
const isProposal = (o: VariationRequest): boolean =>
  o.variationId !== undefined || o.proposedTerms !== undefined || o.effectiveFrom !== undefined;

/**
 * A variation (s23C(4)): with `variationId` and `proposedTerms`, a proposal of new terms that takes effect once every
 * party has signed it and every police party's policing body has approved it; with neither, a free-text note of a
 * variation made (recorded as it stands, as before).
 */
export class VariationRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000, example: 'Wiltshire hosts the firearms unit' })
  @IsString()
  @Length(1, 2000)
  summary!: string;
  @ApiPropertyOptional({
    example: 'firearms-host-2017',
    description: 'The variation, for its signatures, approvals and withdrawal; required with proposedTerms.',
  })
  @ValidateIf(isProposal)
  @IsEntityId()
  variationId?: string;
  @ApiPropertyOptional({ type: TermsDto, description: 'The whole terms document proposed, as POST …/terms takes it.' })
  @ValidateIf(isProposal)
  @IsObject()
  @ValidateNested()
  @Type(() => TermsDto)
  proposedTerms?: TermsDto;
  @ApiPropertyOptional({
    example: '2017-04-01',
    description:
      'The day the proposed terms are to take effect: they take effect on it, or the day the last signature or approval lands if later.',
  })
  @IsOptional()
  @IsCalendarDate()
  effectiveFrom?: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class VariationWithdrawalRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000, example: 'Wiltshire cannot staff the unit' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class WithdrawalRequest extends WriteRequest {
  @ApiProperty({ example: 'gloucestershire' }) @IsSlug() party!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @Length(1, 2000) reason?: string;
  @ApiPropertyOptional({ enum: RECORDED_DATE_PRECISIONS, default: 'day', description: DATE_PRECISION })
  @IsOptional()
  @IsIn(RECORDED_DATE_PRECISIONS)
  datePrecision?: RecordedDatePrecision;
}

export class DatedFactDto {
  @ApiProperty({
    enum: PRECISE_FACTS,
    description:
      "Which recorded date: the draft (drafted), a party's signature (signed) or approval (approved), the " +
      "commencement (in-force), a current party's joining of the agreement in force (joined) or a party's latest " +
      'withdrawal (left).',
  })
  @IsIn(PRECISE_FACTS)
  fact!: PreciseFact;
  @ApiPropertyOptional({
    example: 'gloucestershire',
    description: 'The party, for signed, approved, joined and left (required for them; ignored otherwise).',
  })
  @ValidateIf((o: DatedFactDto) => PARTY_FACTS.includes(o.fact) || o.party !== undefined)
  @IsSlug()
  party?: string;
}

/** Issue 15: how exactly dates already recorded are known, stated (or corrected back to `day`) afterwards. */
export class DatePrecisionRequest extends WriteRequest {
  @ApiProperty({ type: [DatedFactDto], description: 'The recorded dates the precision is of (one or more).' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DatedFactDto)
  facts!: DatedFactDto[];
  @ApiProperty({
    enum: RECORDED_DATE_PRECISIONS,
    description:
      'How exactly those dates are known: day, month (each date must be a first day), year (1 January) or ' +
      'on-or-before (the source says only that it had happened by then).',
  })
  @IsIn(RECORDED_DATE_PRECISIONS)
  precision!: RecordedDatePrecision;
  @ApiProperty({ maxLength: 2000, example: 'The register page dated 24 August 2017 lists it in operation.' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class ReviewRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000, example: 'Continue; savings on track.' })
  @IsString()
  @Length(1, 2000)
  outcome!: string;
  @ApiPropertyOptional({ example: '2020-03-31' }) @IsOptional() @IsCalendarDate() nextReviewDue?: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class TerminationRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000 }) @IsString() @Length(1, 2000) reason!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
  @ApiPropertyOptional({
    description:
      'End the units in force with it (each gets its own termination, same date and reason, before this one). ' +
      'Without it, a parent with a unit in force is refused (units-in-force).',
  })
  @IsOptional()
  @IsBoolean()
  endUnits?: boolean;
}

export class ServiceLineRequest extends WriteRequest {
  @ApiProperty({ example: 'dogs', description: 'Names the service line within the agreement; used once.' })
  @IsEntityId()
  serviceLineId!: string;
  @ApiProperty({
    maxLength: 200,
    example: 'Dogs',
    description: 'Where the terms in force list functions, one of them (letter case aside).',
  })
  @IsString()
  @Length(1, 200)
  name!: string;
  @ApiPropertyOptional({ description: `${OCCURRED_AT} The day the line starts. Default: now.` })
  @IsOptional()
  @IsOccurredAt()
  occurredAt?: string;
}

export class ServiceLineEndingRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000, example: 'Back to the three forces' }) @IsString() @Length(1, 2000) reason!: string;
  @ApiPropertyOptional({ description: `${OCCURRED_AT} The day the line ends (it no longer runs on it). Default: now.` })
  @IsOptional()
  @IsOccurredAt()
  occurredAt?: string;
}

export class SavingsRequest extends WriteRequest {
  @ApiProperty({ example: '2015-16', description: 'UK financial year, April to March.' })
  @IsFinancialYear()
  financialYear!: string;

  @ApiProperty({ enum: SAVINGS_KINDS })
  @IsIn(SAVINGS_KINDS)
  kind!: SavingsKind;

  @ApiProperty({ example: 8500000, description: 'Pounds sterling, at most two decimal places.' })
  @IsAmountGbp()
  @Min(0)
  @Max(100_000_000_000)
  amountGbp!: number;
}
