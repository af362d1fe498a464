import type { DomainEvent } from '../kernel/decider.js';

/** Publication under s23E has its own stream per agreement, beside (not inside) the agreement's. */
export const publicationStreamId = (agreementId: string): string => `publication-${agreementId}`;

/** Why s23E lets a policing body publish limited details only. */
export const EXEMPTION_GROUNDS = ['security', 'national-security', 'operations'] as const;
export type ExemptionGround = (typeof EXEMPTION_GROUNDS)[number];

export type AgreementPublished = DomainEvent<
  'AgreementPublished',
  {
    schemaVersion: 1;
    agreementId: string;
    publishedOn: string;
    documentUrl: string | null;
    reference: string | null;
    /** The policing body that publishes it (a party's force or its policing body). */
    publishedBy: string;
  }
>;

export type PublicationExemptionMarked = DomainEvent<
  'PublicationExemptionMarked',
  {
    schemaVersion: 1;
    agreementId: string;
    ground: ExemptionGround;
    /** Recorded for signed-in users only; never published. */
    reason: string;
  }
>;

export type PublicationWithdrawn = DomainEvent<
  'PublicationWithdrawn',
  { schemaVersion: 1; agreementId: string; reason: string }
>;

export type PublicationEvent = AgreementPublished | PublicationExemptionMarked | PublicationWithdrawn;

export const PUBLICATION_EVENT_TYPES: readonly PublicationEvent['type'][] = [
  'AgreementPublished',
  'PublicationExemptionMarked',
  'PublicationWithdrawn',
];

export const isPublicationEvent = (event: { type: string }): event is PublicationEvent =>
  (PUBLICATION_EVENT_TYPES as readonly string[]).includes(event.type);
