import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealth, HealthContributors, HealthController } from './health.http.controller.js';

@Global()
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [HealthContributors, DatabaseHealth],
  exports: [HealthContributors],
})
export class HealthModule {}
