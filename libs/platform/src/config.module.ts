import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '#config';
import { Clock, SystemClock } from './clock.js';

export const APP_CONFIG = Symbol('AppConfig');

/** Provides the validated configuration and the clock to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}
