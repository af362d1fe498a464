import {
  Injectable,
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpTracingMiddleware } from './http-tracing.middleware.js';
import { shutdownTracing } from './tracing-sdk.js';

/** Flushes the spans of the last requests and batches once everything else has stopped. */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return shutdownTracing();
  }
}

/**
 * The request span of every HTTP route (docs/operations.md, "Tracing"; a no-op span while tracing is
 * off) and the SDK's shutdown with the app.
 */
@Module({ providers: [HttpTracingMiddleware, TracingShutdown] })
export class TracingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpTracingMiddleware).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
