import { Module } from '@nestjs/common';
import { AgreementsReadController } from './agreements/agreements-read.http.controller.js';
import { AlertsController } from './alerts/alerts.http.controller.js';
import { BoardsReadController } from './boards/boards-read.http.controller.js';
import { BodiesReadController } from './bodies/bodies-read.http.controller.js';
import { ApplicationModule } from '#application';
import { BenefitsReadController } from './benefits/benefits-read.http.controller.js';
import { DecisionsReadController } from './decisions/decisions-read.http.controller.js';
import { ReadYourWrites } from './queries/read-your-writes.js';
import { PublicationReadController } from './publication/publication-read.http.controller.js';
import { PublicRegisterController } from './publication/public-register.http.controller.js';

/** Every read endpoint over the read models, with read-your-writes through `minPosition`. */
@Module({
  controllers: [
    AgreementsReadController,
    BodiesReadController,
    BoardsReadController,
    DecisionsReadController,
    BenefitsReadController,
    AlertsController,
    PublicationReadController,
    PublicRegisterController,
  ],
  imports: [ApplicationModule],
  providers: [ReadYourWrites],
})
export class ReadModule {}
