import { Injectable, type PipeTransform } from '@nestjs/common';
import {
  BODY_REGISTRY_STREAM_ID,
  agreementDecider,
  agreementStreamId,
  benefitFactsOf,
  bodyRegistryDecider,
  boardDecider,
  boardStreamId,
  isEntityId,
  requireBody,
  resolveBody,
  NotFoundError,
  type BenefitAgreementFacts,
  type BodyRef,
} from '#domain';
import { RequestValidationError } from '#platform';
import { FoldedStreams } from './folded-streams.js';
import { ENTITY_ID_MESSAGE } from './validators.js';

/**
 * Resolves the references a command names (bodies, agreements, boards) into the data the
 * deciders need, so the domain never looks anything up (docs/architecture.md, "Pure deciders").
 */
@Injectable()
export class ReferenceData {
  constructor(private readonly folded: FoldedStreams) {}

  async body(id: string, field: string): Promise<BodyRef> {
    const { state: registry } = await this.folded.lookup(BODY_REGISTRY_STREAM_ID, bodyRegistryDecider);
    return requireBody(id, registry, field);
  }

  /** The body, or a 404 problem when no body has that slug. */
  async bodyOrNotFound(id: string): Promise<BodyRef> {
    const { state: registry } = await this.folded.lookup(BODY_REGISTRY_STREAM_ID, bodyRegistryDecider);
    const body = resolveBody(id, registry);
    if (!body) throw new NotFoundError('body-not-found', `No body is known as "${id}".`);
    return body;
  }

  async bodies(ids: readonly string[], field: string): Promise<BodyRef[]> {
    return Promise.all(ids.map((id, i) => this.body(id, `${field}[${i}]`)));
  }

  async agreement(agreementId: string): Promise<{ agreementId: string; exists: boolean }> {
    const { revision } = await this.folded.lookup(agreementStreamId(agreementId), agreementDecider);
    return { agreementId, exists: revision >= 0 };
  }

  /** The agreement, whether it exists, its current parties' ids and the ids of the variations proposed on it. */
  async agreementWithParties(
    agreementId: string,
  ): Promise<{ agreementId: string; exists: boolean; parties: string[]; variationIds: string[] }> {
    const { state, revision } = await this.folded.lookup(agreementStreamId(agreementId), agreementDecider);
    return {
      agreementId,
      exists: revision >= 0,
      parties: state.members.map((m) => m.body.id),
      variationIds: [...state.variations.keys()],
    };
  }

  /** What the benefits ledger needs of the agreement: the draft's day and every party it has had. */
  async benefitFacts(agreementId: string): Promise<BenefitAgreementFacts> {
    const { state, revision } = await this.folded.lookup(agreementStreamId(agreementId), agreementDecider);
    return benefitFactsOf(agreementId, revision >= 0, state);
  }

  async board(boardId: string): Promise<{ boardId: string; exists: boolean; meetingIds: string[] }> {
    const { state, revision } = await this.folded.lookup(boardStreamId(boardId), boardDecider);
    return { boardId, exists: revision >= 0, meetingIds: [...state.meetings.keys()] };
  }
}

/** Validates an id in the path (`:id`, `:mid`), answering 400 naming the parameter. */
export class EntityIdParam implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}
  transform(value: string): string {
    if (!isEntityId(value)) {
      throw new RequestValidationError(
        [{ field: this.name, rule: 'isEntityId', message: `${this.name} ${ENTITY_ID_MESSAGE}` }],
        'path',
      );
    }
    return value;
  }
}
