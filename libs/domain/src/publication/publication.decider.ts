import type { Decider } from '../kernel/decider.js';
import { NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import {
  optionalText,
  requireCalendarDate,
  requireOccurredAt,
  requireOneOf,
  requireText,
} from '../kernel/validation.js';
import type { PublicationCommand, PublicationSubject } from './publication.commands.js';
import { EXEMPTION_GROUNDS, type PublicationEvent } from './publication.events.js';
import { evolvePublication, initialPublicationState, type PublicationState } from './publication.state.js';

/*
 * s23E Police Act 1996: a policing body publishes its collaboration agreements, or only limited
 * details of one where publishing it would harm security, national security or operations. An
 * exempt agreement is still published, but as its title and objective only (the read side applies
 * that); the reason for the exemption is recorded and never published.
 */
const known = (agreement: PublicationSubject): string => {
  if (!agreement.exists) {
    throw new NotFoundError('agreement-not-found', `There is no agreement "${agreement.agreementId}".`, 'agreementId');
  }
  return agreement.agreementId;
};

export const decidePublication = (command: PublicationCommand, state: PublicationState): PublicationEvent[] => {
  switch (command.type) {
    case 'PublishAgreement': {
      const { data, metadata } = command;
      const agreementId = known(data.agreement);
      const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
      if (state.published) {
        throw new RuleBrokenError(
          'already-published',
          `Agreement "${agreementId}" is already published.`,
          'agreementId',
        );
      }
      const publishedOn = requireCalendarDate(data.publishedOn, 'publishedOn', 'the publication');
      const documentUrl = optionalText(data.documentUrl);
      const reference = optionalText(data.reference);
      if (documentUrl !== null && !/^https:\/\/[^\s]+$/.test(documentUrl)) {
        throw new ValidationError('invalid-document-url', 'Give the document link as an https:// URL.', 'documentUrl');
      }
      if (documentUrl === null && reference === null && state.exemption === null) {
        throw new ValidationError(
          'document-required',
          'Give a link to the published document or a reference to it (an exempt agreement needs neither).',
          'documentUrl',
        );
      }
      const publishedBy = requireText(
        data.publishedBy,
        'publishedBy',
        'publisher-required',
        'Say which body publishes it.',
      );
      if (!data.agreement.parties.includes(publishedBy)) {
        throw new RuleBrokenError(
          'publisher-not-party',
          `"${publishedBy}" is not a party to agreement "${agreementId}": only a party publishes it.`,
          'publishedBy',
        );
      }
      return [
        {
          type: 'AgreementPublished',
          occurredAt,
          data: { schemaVersion: 1, agreementId, publishedOn, documentUrl, reference, publishedBy },
        },
      ];
    }
    case 'MarkPublicationExempt': {
      const { data, metadata } = command;
      const agreementId = known(data.agreement);
      const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
      const ground = requireOneOf(data.ground, EXEMPTION_GROUNDS, 'ground', 'invalid-ground', 's23E ground');
      const reason = requireText(data.reason, 'reason', 'reason-required', 'Record why publication would do harm.');
      return [
        { type: 'PublicationExemptionMarked', occurredAt, data: { schemaVersion: 1, agreementId, ground, reason } },
      ];
    }
    case 'WithdrawPublication': {
      const { data, metadata } = command;
      const agreementId = known(data.agreement);
      const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
      if (!state.published) {
        throw new RuleBrokenError('not-published', `Agreement "${agreementId}" is not published.`, 'agreementId');
      }
      const reason = requireText(data.reason, 'reason', 'reason-required', 'Say why publication is withdrawn.');
      return [{ type: 'PublicationWithdrawn', occurredAt, data: { schemaVersion: 1, agreementId, reason } }];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown publication command ${JSON.stringify(_exhaustive)}`);
    }
  }
};

export const publicationDecider: Decider<PublicationCommand, PublicationEvent, PublicationState> = {
  decide: decidePublication,
  evolve: evolvePublication,
  initialState: initialPublicationState,
};
