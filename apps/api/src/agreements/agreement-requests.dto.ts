import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsAmountGbp, IsCalendarDate, IsEntityId, IsOccurredAt, IsSlug, WriteRequest } from '#application';
import { IsFinancialYear } from '../queries/query-validators.js';

import {
  AGREEMENT_SCOPES,
  DELIVERY_MODELS,
  LEGAL_BASES,
  SAVINGS_KINDS,
  type AgreementScope,
  type DeliveryModel,
  type LegalBasis,
  type SavingsKind,
} from '#domain';

const OCCURRED_AT = 'When it happened: a date (2016-03-31) or a datetime with offset. Late entries are normal.';

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
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @IsSlug({ each: true })
  parties!: string[];

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

export class CommencementRequest extends WriteRequest {
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class VariationRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000 }) @IsString() @Length(1, 2000) summary!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class HostChangeRequest extends WriteRequest {
  @ApiProperty({ example: 'wiltshire' }) @IsSlug() hostForce!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class PartyRequest extends WriteRequest {
  @ApiProperty({ example: 'gwent' }) @IsSlug() party!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class WithdrawalNoticeRequest extends WriteRequest {
  @ApiProperty({ example: 'gloucestershire' }) @IsSlug() party!: string;
  @ApiProperty({ example: '2019-03-31', description: 'The day the withdrawal takes effect.' })
  @IsCalendarDate()
  effectiveOn!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
}

export class WithdrawalRequest extends WriteRequest {
  @ApiProperty({ example: 'gloucestershire' }) @IsSlug() party!: string;
  @ApiProperty({ description: OCCURRED_AT }) @IsOccurredAt() occurredAt!: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @Length(1, 2000) reason?: string;
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
