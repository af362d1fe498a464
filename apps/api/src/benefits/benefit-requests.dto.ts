import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { BENEFIT_KINDS, BENEFIT_STATUSES, type BenefitKind, type BenefitStatus } from '#domain';
import { IsEntityId, IsSlug, WriteRequest } from '#application';
import { IsFinancialYear } from '../queries/query-validators.js';

export class BenefitPeriodDto {
  @ApiProperty({ example: '2014-15', description: 'The first financial year.' }) @IsFinancialYear() from!: string;
  @ApiProperty({ example: '2017-18', description: 'The last financial year (inclusive).' })
  @IsFinancialYear()
  to!: string;
}

export class RecordBenefitRequest extends WriteRequest {
  @ApiProperty({ example: 'regional-realised-2018', description: "The entry's id in this agreement's ledger." })
  @IsEntityId()
  id!: string;

  @ApiProperty({ enum: BENEFIT_KINDS }) @IsIn(BENEFIT_KINDS) kind!: BenefitKind;
  @ApiProperty({ enum: BENEFIT_STATUSES }) @IsIn(BENEFIT_STATUSES) status!: BenefitStatus;

  @ApiPropertyOptional({
    example: 850_000_000,
    description: 'Whole pence (0 to 2^53 - 1), for a saving or a cost; absent for a non-cash benefit.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amountPence?: number;

  @ApiPropertyOptional({ example: 'Efficiency of time', description: 'Required for a non-cash benefit.' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  description?: string;

  @ApiPropertyOptional({ example: 'officer hours', description: 'How a non-cash benefit is measured.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  measure?: string;

  @ApiPropertyOptional({ example: '2017-18', description: 'One financial year; or give period.' })
  @IsOptional()
  @IsFinancialYear()
  financialYear?: string;

  @ApiPropertyOptional({ type: BenefitPeriodDto, description: 'A range of financial years; or give financialYear.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BenefitPeriodDto)
  period?: BenefitPeriodDto;

  @ApiPropertyOptional({
    example: 'avon-somerset',
    description: "The party whose share it is (a present or former party); absent: the whole agreement's.",
  })
  @IsOptional()
  @IsSlug()
  attributedTo?: string;

  @ApiPropertyOptional({ example: 'Avon and Somerset Police and Crime Panel, link member report, July 2018' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  source?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;
}

export class CorrectBenefitRequest extends RecordBenefitRequest {
  @ApiProperty({ example: 'The panel minutes give £8.4m', description: 'Why the earlier entry is corrected.' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}
