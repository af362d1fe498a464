import { Controller, Get, Injectable } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { EventStore, SqlDatabase } from '#event-store';
import { Public } from '../auth/access.decorators.js';

/** Health indicators the other modules contribute to (projections lag, Kafka relay, ...). */
export abstract class HealthContributor {
  abstract check(indicators: HealthIndicatorService): Promise<HealthIndicatorResult>;
}

/** Every HealthContributor of the app registers itself here (projections and the Kafka relay add theirs). */
@Injectable()
export class HealthContributors {
  readonly all: HealthContributor[] = [];
  register(contributor: HealthContributor): void {
    this.all.push(contributor);
  }
}

@Injectable()
export class DatabaseHealth extends HealthContributor {
  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    contributors: HealthContributors,
  ) {
    super();
    contributors.register(this);
  }

  async check(indicators: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const indicator = indicators.check('database');
    try {
      await this.db.query('SELECT 1');
      return indicator.up({ driver: this.db.kind, headPosition: await this.store.headPosition() });
    } catch (error) {
      return indicator.down({ driver: this.db.kind, error: (error as Error).message });
    }
  }
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly contributors: HealthContributors,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: database, projections lag, Kafka relay.' })
  check() {
    return this.health.check(this.contributors.all.map((c) => () => c.check(this.indicators)));
  }
}

