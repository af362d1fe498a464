import { describe, it } from '@jest/globals';
import { NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { PublicationCommand } from './publication.commands.js';
import type { PublicationEvent } from './publication.events.js';
import { publicationDecider } from './publication.decider.js';

const now = '2026-01-10T12:00:00.000Z';
const occurredAt = '2026-01-09T09:00:00.000Z';
const agreement = { agreementId: 'tvp-hampshire-jops', exists: true, parties: ['thames-valley', 'hampshire'] };
const unknown = { agreementId: 'nope', exists: false, parties: [] };

const publish = (
  over: Partial<Extract<PublicationCommand, { type: 'PublishAgreement' }>['data']> = {},
): PublicationCommand => ({
  type: 'PublishAgreement',
  data: {
    agreement,
    publishedOn: '2026-01-09',
    documentUrl: 'https://example.org/a.pdf',
    publishedBy: 'thames-valley',
    occurredAt,
    ...over,
  },
  metadata: { now },
});
const published: PublicationEvent = {
  type: 'AgreementPublished',
  occurredAt,
  data: {
    schemaVersion: 1,
    agreementId: agreement.agreementId,
    publishedOn: '2026-01-09',
    documentUrl: 'https://example.org/a.pdf',
    reference: null,
    publishedBy: 'thames-valley',
  },
};
const exempt: PublicationCommand = {
  type: 'MarkPublicationExempt',
  data: { agreement, ground: 'operations', reason: 'Names covert capabilities', occurredAt },
  metadata: { now },
};
const exemptMarked: PublicationEvent = {
  type: 'PublicationExemptionMarked',
  occurredAt,
  data: {
    schemaVersion: 1,
    agreementId: agreement.agreementId,
    ground: 'operations',
    reason: 'Names covert capabilities',
  },
};
const withdraw = (reason = 'Superseded text'): PublicationCommand => ({
  type: 'WithdrawPublication',
  data: { agreement, reason, occurredAt },
  metadata: { now },
});

describe('publication decider (s23E)', () => {
  it('publishes an agreement with its document link', () => {
    given(publicationDecider).when(publish()).then([published]);
  });
  it('cannot publish an unknown agreement', () => {
    given(publicationDecider)
      .when(publish({ agreement: unknown }))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });
  it('cannot publish twice', () => {
    given(publicationDecider, [published]).when(publish()).thenThrows(RuleBrokenError, 'already-published');
  });
  it('needs a document link or reference unless exempt', () => {
    given(publicationDecider)
      .when(publish({ documentUrl: null }))
      .thenThrows(ValidationError, 'document-required');
    given(publicationDecider, [exemptMarked])
      .when(publish({ documentUrl: null }))
      .then([{ ...published, data: { ...published.data, documentUrl: null } }]);
  });
  it('refuses a link that is not https', () => {
    given(publicationDecider)
      .when(publish({ documentUrl: 'javascript:alert(1)' }))
      .thenThrows(ValidationError, 'invalid-document-url');
  });
  it('only a party publishes', () => {
    given(publicationDecider)
      .when(publish({ publishedBy: 'gwent' }))
      .thenThrows(RuleBrokenError, 'publisher-not-party');
  });
  it('marks an exemption on an s23E ground with a reason', () => {
    given(publicationDecider).when(exempt).then([exemptMarked]);
    given(publicationDecider)
      .when({ ...exempt, data: { ...exempt.data, ground: 'embarrassment' } })
      .thenThrows(ValidationError, 'invalid-ground');
    given(publicationDecider)
      .when({ ...exempt, data: { ...exempt.data, reason: ' ' } })
      .thenThrows(ValidationError, 'reason-required');
  });
  it('withdraws only what is published, and then it may be published again', () => {
    given(publicationDecider).when(withdraw()).thenThrows(RuleBrokenError, 'not-published');
    const withdrawn: PublicationEvent = {
      type: 'PublicationWithdrawn',
      occurredAt,
      data: { schemaVersion: 1, agreementId: agreement.agreementId, reason: 'Superseded text' },
    };
    given(publicationDecider, [published]).when(withdraw()).then([withdrawn]);
    given(publicationDecider, [published, withdrawn]).when(publish()).then([published]);
  });
  it('refuses a publication recorded ahead of the server clock', () => {
    given(publicationDecider)
      .when(publish({ occurredAt: '2027-01-01T00:00:00.000Z' }))
      .thenThrows(ValidationError, 'occurred-in-future');
  });
});
