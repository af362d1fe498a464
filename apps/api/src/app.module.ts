import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '#config';
import { AuthModule } from './auth/auth.module.js';
import { AuditTrailController } from './audit/audit-trail.http.controller.js';
import { BackgroundModule, type Clock, ConfigModule, HealthModule, PersistenceModule } from '#platform';
import { WriteModule } from './write.module.js';
import { ReadModule } from './read.module.js';
import { ApplicationModule, SeedOnStartModule } from '#application';
import { IntegrityModule } from './integrity/integrity.module.js';
import { WebModule } from './web/web.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        PersistenceModule,
        AuthModule,
        HealthModule,
        CqrsModule.forRoot(),
        ApplicationModule,
        BackgroundModule.forRoot(config, { run: config.workers === 'on' }),
        WriteModule,
        ReadModule,
        IntegrityModule,
        SeedOnStartModule.forRoot(config.importOnStart),
        WebModule.forRoot(config),
      ],
      controllers: [AuditTrailController],
    };
  }
}
