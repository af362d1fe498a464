import { Module } from '@nestjs/common';
import { AgreementsController } from './agreements/agreements.http.controller.js';
import { BoardsController } from './boards/boards.http.controller.js';
import { BodiesController } from './bodies/bodies.http.controller.js';
import { ApplicationModule } from '#application';
import { BenefitsController } from './benefits/benefits.http.controller.js';
import { DecisionsController } from './decisions/decisions.http.controller.js';
import { PeopleController } from './people/people.http.controller.js';
import { PublicationController } from './publication/publication.http.controller.js';

/** Every write endpoint: HTTP → domain command → @nestjs/cqrs handler (ApplicationModule) → decider → event store. */
@Module({
  controllers: [
    AgreementsController,
    BoardsController,
    BodiesController,
    DecisionsController,
    BenefitsController,
    PublicationController,
    PeopleController,
  ],
  imports: [ApplicationModule],
})
export class WriteModule {}
