import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators.js';
import { Metrics } from './metrics.js';

/**
 * Prometheus scrapes this without a token, like /health: it carries counts, latencies and
 * positions, never a principal, an id or a payload. Left out of the OpenAPI document: it is for
 * the monitoring system, not for API clients (docs/operations.md lists the metrics).
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const body = await this.metrics.render();
    response.type(this.metrics.contentType).send(body);
  }
}
