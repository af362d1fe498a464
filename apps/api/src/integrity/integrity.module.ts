import { Module } from '@nestjs/common';
import { IntegrityController } from './integrity.http.controller.js';

/** GET /integrity. Uses the SqlDatabase of the global PersistenceModule; the auditor-only guard is applied where the app wires it. */
@Module({ controllers: [IntegrityController] })
export class IntegrityModule {}
