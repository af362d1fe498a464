import {
  Global,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsCollectors } from './metrics-collectors.js';
import { MetricsController } from './metrics.http.controller.js';
import { Metrics } from './metrics.js';

/**
 * Prometheus metrics at GET /metrics, for the API and the worker (each its own registry and port).
 * Global so the persistence module can time appends through the same registry.
 */
@Global()
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(role: 'api' | 'worker'): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: Metrics, useValue: new Metrics(role) }, MetricsCollectors, HttpMetricsMiddleware],
      exports: [Metrics],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
