import type { Command } from '../kernel/decider.js';

/** The handler loads the agreement and says whether it exists and which bodies are its parties. */
export interface PublicationSubject {
  agreementId: string;
  exists: boolean;
  parties: readonly string[];
}

export type PublishAgreement = Command<
  'PublishAgreement',
  {
    agreement: PublicationSubject;
    publishedOn: string;
    documentUrl?: string | null;
    reference?: string | null;
    publishedBy: string;
    occurredAt: string;
  }
>;

export type MarkPublicationExempt = Command<
  'MarkPublicationExempt',
  { agreement: PublicationSubject; ground: string; reason: string; occurredAt: string }
>;

export type WithdrawPublication = Command<
  'WithdrawPublication',
  { agreement: PublicationSubject; reason: string; occurredAt: string }
>;

export type PublicationCommand = PublishAgreement | MarkPublicationExempt | WithdrawPublication;
