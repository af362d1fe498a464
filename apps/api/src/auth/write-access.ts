import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import {
  BODY_REGISTRY_STREAM_ID,
  agreementDecider,
  agreementStreamId,
  alertDecider,
  alertStreamId,
  boardDecider,
  boardStreamId,
  bodyRegistryDecider,
  isEntityId,
  resolveBody,
} from '#domain';
import { FoldedStreams } from '#application';
import type { WriteTargetSpec } from '#platform';
import type { AgreementParties, WriteTarget } from './write-policy.js';

/** Agreements a board oversees, at most; a board naming more is looked up no further. */
const MAX_BOARD_AGREEMENTS = 200;

/**
 * Looks up, in the event store (the truth, not a read model that may lag), what a write touches:
 * through FoldedStreams, the folded states the command runner and the reference data share, so the
 * agreement and board streams a write is authorised on are folded once and reused by the command
 * (only the events after a cached revision are read, usually none). It looks up
 * the parties of an agreement, the agreements of a board, the subject of an alert. It reads the
 * raw request (guards run before validation), so every value is checked before it is used; an id
 * that is not valid resolves to "not recorded" and validation then refuses the request.
 */
@Injectable()
export class WriteAccess {
  constructor(private readonly folded: FoldedStreams) {}

  async resolve(spec: WriteTargetSpec, request: Request): Promise<WriteTarget> {
    const param = (name: string): string | null => {
      const value = (request.params as Record<string, unknown> | undefined)?.[name];
      return isEntityId(value) ? value : null;
    };
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    switch (spec.kind) {
      case 'admin-only':
        return { kind: 'admin-only', action: spec.action };
      case 'new-agreement': {
        const parties = Array.isArray(body.parties)
          ? body.parties.filter((p): p is string => typeof p === 'string')
          : [];
        return { kind: 'new-agreement', agreementId: typeof body.id === 'string' ? body.id : '', parties };
      }
      case 'agreement': {
        const id = param(spec.param);
        return { kind: 'agreement', agreementId: id ?? '', agreement: id === null ? null : await this.agreement(id) };
      }
      case 'board': {
        const id = param(spec.param);
        return { kind: 'board', boardId: id ?? '', agreements: id === null ? null : await this.boardAgreements(id) };
      }
      case 'decision': {
        const boardId = isEntityId(body.boardId) ? body.boardId : null;
        const agreementId = isEntityId(body.agreementId) ? body.agreementId : null;
        const boardAgreements = boardId === null ? null : await this.boardAgreements(boardId);
        return {
          kind: 'decision',
          board: boardId === null || boardAgreements === null ? null : { boardId, agreements: boardAgreements },
          agreement: agreementId === null ? null : await this.agreement(agreementId),
        };
      }
      case 'alert': {
        const id = param(spec.param);
        return { kind: 'alert', alertId: id ?? '', subject: id === null ? null : await this.alertSubject(id) };
      }
      default: {
        const _exhaustive: never = spec;
        return _exhaustive;
      }
    }
  }

  /** The name of a body for messages (`Gwent Police`), its slug when unknown. */
  async bodyName(slug: string): Promise<string> {
    const { state: registry } = await this.folded.lookup(BODY_REGISTRY_STREAM_ID, bodyRegistryDecider);
    return resolveBody(slug, registry)?.name ?? slug;
  }

  private async agreement(agreementId: string): Promise<AgreementParties | null> {
    const { state, revision } = await this.folded.lookup(agreementStreamId(agreementId), agreementDecider);
    if (revision < 0) return null;
    return { agreementId, parties: state.members.map((m) => m.body.id) };
  }

  private async boardAgreements(boardId: string): Promise<AgreementParties[] | null> {
    const { state, revision } = await this.folded.lookup(boardStreamId(boardId), boardDecider);
    if (revision < 0) return null;
    const agreements = await Promise.all(
      state.agreementIds.slice(0, MAX_BOARD_AGREEMENTS).map((id) => this.agreement(id)),
    );
    return agreements.filter((a): a is AgreementParties => a !== null);
  }

  private async alertSubject(
    alertId: string,
  ): Promise<{ party: string | null; agreements: AgreementParties[] } | null> {
    const { state, revision } = await this.folded.lookup(alertStreamId(alertId), alertDecider);
    const subject = state.subject;
    if (revision < 0 || subject === null) return null;
    const agreements: AgreementParties[] = [];
    if (subject.agreementId !== null) {
      const agreement = await this.agreement(subject.agreementId);
      if (agreement) agreements.push(agreement);
    }
    if (subject.boardId !== null) agreements.push(...((await this.boardAgreements(subject.boardId)) ?? []));
    return { party: subject.party, agreements };
  }
}
