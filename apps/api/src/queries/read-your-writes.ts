import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { EventStore } from '#event-store';
import { ProjectionStatus } from '#projections';
import { IsEventPosition, parseQueryPosition } from './query-validators.js';

/** Every query accepts the position a write answered with, and waits until its read model has it. */
export class ConsistentQuery {
  @ApiPropertyOptional({
    description:
      'The `position` a write answered with: the query waits (up to 5 s, then 503) until its read model includes it.',
  })
  @IsOptional()
  @IsEventPosition()
  minPosition?: string;
}

/** Read-your-writes: a bounded wait for named projections to reach a position (503 problem+json on timeout). */
@Injectable()
export class ReadYourWrites {
  constructor(
    private readonly status: ProjectionStatus,
    private readonly store: EventStore,
  ) {}

  /** Also refuses (503) a read of a read model still being rebuilt for this release. */
  async waitFor(query: ConsistentQuery, projections: readonly string[]): Promise<void> {
    await this.status.assertCurrent(projections);
    if (query.minPosition === undefined) return;
    await this.status.waitForPosition(parseQueryPosition(this.store, 'minPosition', query.minPosition), {
      timeoutMs: 5000,
      projections: [...projections],
    });
  }
}
