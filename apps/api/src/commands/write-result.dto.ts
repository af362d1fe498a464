import { ApiProperty } from '@nestjs/swagger';
import type { WriteResult } from '#application';

export class WriteResultDto implements WriteResult {
  @ApiProperty({ example: 'agreement-zephyr' }) streamId!: string;
  @ApiProperty({ description: 'Revision of the record after the write; send it as expectedRevision next time.' })
  revision!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Global position of the last event written (pass it as minPosition to read your write).',
  })
  position!: string | null;
  @ApiProperty({ nullable: true, type: String }) firstPosition!: string | null;
  @ApiProperty({ description: 'True when an Idempotency-Key matched an earlier request: nothing new was written.' })
  replayed!: boolean;
}
