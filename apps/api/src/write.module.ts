import { Module } from '@nestjs/common';
import { AgreementsController } from './agreements/agreements.http.controller.js';
import { BoardsController } from './boards/boards.http.controller.js';
import { BodiesController } from './bodies/bodies.http.controller.js';
import { COMMAND_HANDLERS, CommandRunner, ReferenceData } from '#application';
import { DecisionsController } from './decisions/decisions.http.controller.js';

/** Every write endpoint: HTTP → domain command → @nestjs/cqrs handler → decider → event store. */
@Module({
  controllers: [AgreementsController, BoardsController, BodiesController, DecisionsController],
  providers: [CommandRunner, ReferenceData, ...COMMAND_HANDLERS],
})
export class WriteModule {}
