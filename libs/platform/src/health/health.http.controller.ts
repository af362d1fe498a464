import { Controller, Get, Injectable, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { EventStore, SqlDatabase } from '#event-store';
import type { Request } from 'express';
import { Public, ReadsOptionalToken } from '../auth/access.decorators.js';
import { hasRole, principalOf } from '../auth/principal.js';

/**
 * Who is looking. `public`: anyone (a load balancer, a passer-by): what is down and a stable code,
 * never an error's own text (it can carry SQL, table and host names). `operator`: an administrator's
 * valid token: the errors themselves.
 */
export type HealthView = 'public' | 'operator';

/** Health indicators the other modules contribute to (projections lag, Kafka relay, ...). */
export abstract class HealthContributor {
  abstract check(
    indicators: HealthIndicatorService,
    view: HealthView,
  ): HealthIndicatorResult | Promise<HealthIndicatorResult>;
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

  async check(indicators: HealthIndicatorService, view: HealthView): Promise<HealthIndicatorResult> {
    const indicator = indicators.check('database');
    try {
      await this.db.query('SELECT 1');
      return indicator.up({ driver: this.db.kind, headPosition: await this.store.headPosition() });
    } catch (error) {
      const why = view === 'operator' ? { error: (error as Error).message } : { code: 'database-unavailable' };
      return indicator.down({ driver: this.db.kind, ...why });
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
  @ReadsOptionalToken()
  @ApiOperation({
    summary: 'Liveness and readiness: database, projections lag, Kafka relay.',
    description: "Without a token, what is down with a code; with an administrator's token, the errors themselves.",
  })
  check(@Req() request: Request) {
    const principal = principalOf(request);
    const view: HealthView = principal !== undefined && hasRole(principal, 'admin') ? 'operator' : 'public';
    return this.health.check(this.contributors.all.map((c) => () => c.check(this.indicators, view)));
  }
}
