import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { EXEMPTION_GROUNDS, type ExemptionGround } from '#domain';
import { IsCalendarDate, IsOccurredAt, IsSlug, WriteRequest } from '#application';

const OCCURRED_AT = 'When it happened: a date (2016-03-31) or a datetime with offset. Default: now.';

export class PublishAgreementRequest extends WriteRequest {
  @ApiProperty({ example: '2016-04-12', description: 'The day the policing body published it (s23E).' })
  @IsCalendarDate()
  publishedOn!: string;

  @ApiPropertyOptional({
    example: 'https://www.thamesvalley-pcc.gov.uk/collaboration/jops.pdf',
    description:
      'Where the published text is (https only). Give this or `reference`; an exempt agreement needs neither.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(/^https:\/\/\S+$/, { message: 'documentUrl must be an https:// URL without spaces.' })
  documentUrl?: string;

  @ApiPropertyOptional({ example: 'TVP/COL/2016/04', description: 'A reference to the published document.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;

  @ApiProperty({ example: 'thames-valley', description: 'The party that publishes it.' })
  @IsSlug()
  publishedBy!: string;

  @ApiPropertyOptional({ description: OCCURRED_AT }) @IsOptional() @IsOccurredAt() occurredAt?: string;
}

export class PublicationExemptionRequest extends WriteRequest {
  @ApiProperty({
    enum: EXEMPTION_GROUNDS,
    description: 'The s23E ground for publishing limited details only (title and purpose).',
  })
  @IsIn(EXEMPTION_GROUNDS)
  ground!: ExemptionGround;

  @ApiProperty({
    maxLength: 2000,
    example: 'The schedule names covert capabilities.',
    description: 'Why full publication would do harm. Shown to signed-in users only; never published.',
  })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ description: OCCURRED_AT }) @IsOptional() @IsOccurredAt() occurredAt?: string;
}

export class PublicationWithdrawalRequest extends WriteRequest {
  @ApiProperty({ maxLength: 2000, example: 'Superseded by the 2018 text.' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ description: OCCURRED_AT }) @IsOptional() @IsOccurredAt() occurredAt?: string;
}
