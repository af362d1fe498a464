import type { PolicingBody } from '../bodies/body.js';
import type { DomainEvent } from '../kernel/decider.js';
import type { RecordedDatePrecision } from '../kernel/dates.js';
import type { DatedFactRef } from './date-precision.js';
import type { AgreementScope, DeliveryModel, LegalBasis, NoticeOverride } from './agreement.commands.js';
import type { AgreementTerms } from './terms.js';
import type { DeclaredMembership, PartyRecord } from './parties.js';

export const agreementStreamId = (agreementId: string): string => `agreement-${agreementId}`;

/**
 * Schema version 2 (issue 15): the legal basis and the scope are separate fields. Version 1 had only
 * `legalBasis`, where `national` stood for the scope; `upcastAgreementDrafted` reads it in this shape.
 * Schema version 3 (issue 15 item 7): each party carries its `capacity` (parties.ts), null when not given; versions
 * 1 and 2 have none, read as not recorded (`capacityOf`).
 */
export type AgreementDrafted = DomainEvent<
  'AgreementDrafted',
  {
    agreementId: string;
    title: string;
    /** Null only for a version 1 event that recorded the scope in its place (`national`). */
    legalBasis: LegalBasis | null;
    /** Null where it was not recorded (every version 1 event but `national` ones). */
    scope: AgreementScope | null;
    businessArea: string;
    deliveryModel: DeliveryModel;
    parties: PartyRecord[];
    hostForce: string | null;
    parentAgreementId: string | null;
    reviewDue: string | null;
  }
>;

/**
 * The day a draft is planned to commence, given when it is drafted (issue 15: "aimed to start on 1st April").
 * A separate event rather than a field of `AgreementDrafted`, so that event keeps its shape (version 2).
 */
export type AgreementStartPlanned = DomainEvent<'AgreementStartPlanned', { agreementId: string; plannedStart: string }>;

/** A draft's planned start moved, with why ("may be Sept"); `previousPlannedStart` is null if none was planned. */
export type AgreementStartReplanned = DomainEvent<
  'AgreementStartReplanned',
  { agreementId: string; plannedStart: string; previousPlannedStart: string | null; reason: string }
>;

/**
 * This agreement replaces another (issue 15: NPAS replacing Gwent and South Wales air support in 2013). Recorded on
 * the new agreement's stream only; the superseded one is shown `supersededBy` by the reads.
 */
export type PredecessorSuperseded = DomainEvent<
  'PredecessorSuperseded',
  { agreementId: string; supersededAgreementId: string }
>;

/**
 * What the agreement's source says of members it does not name (issue 15 item 7: the Vehicle Procurement
 * Consortium's "25 police forces and 7 fire and rescue authorities"), written beside `AgreementDrafted` when the draft
 * gives it. Its own event, so a log without it folds as before.
 */
export type MembershipDeclared = DomainEvent<'MembershipDeclared', { agreementId: string } & DeclaredMembership>;

/**
 * A party added while the agreement is still a draft. Schema version 2: the party's `capacity` (parties.ts);
 * version 1 has none, read as not recorded.
 */
export type PartyAdded = DomainEvent<'PartyAdded', { agreementId: string; party: PartyRecord }>;

/**
 * Schema version 2 (issue 15) of `AgreementSigned`, `PccApprovalGiven`, `AgreementCameIntoForce`, `PartyJoined` and
 * `ForceWithdrew`: `datePrecision`, how exactly the source gives the event's date (date-precision.ts). Version 1 had
 * none and is read as 'day' (`precisionOf`, `upcastForceWithdrew`); the shape tells the versions apart, so nothing
 * stored is rewritten.
 */
interface DatedData {
  /** Always written from version 2; absent from version 1 events (read as 'day'). */
  datePrecision?: RecordedDatePrecision;
}

export type AgreementSigned = DomainEvent<
  'AgreementSigned',
  { agreementId: string; party: string; signedBy: string } & DatedData
>;

/** The party's local policing body approved the agreement (for s22A, the chief officer needs it). */
export type PccApprovalGiven = DomainEvent<
  'PccApprovalGiven',
  { agreementId: string; party: string; policingBody: PolicingBody } & DatedData
>;

export type AgreementCameIntoForce = DomainEvent<
  'AgreementCameIntoForce',
  { agreementId: string; parties: string[] } & DatedData
>;

/**
 * The precision of dates already recorded, stated afterwards (the seed import's register-page dates: "in force by
 * 24 August 2017"). It changes no date, only how exactly each is known; recorded at the server's time, as a
 * statement about the record rather than a fact of the world, so an as-of replay folds it whatever the day asked.
 */
export type DatePrecisionRecorded = DomainEvent<
  'DatePrecisionRecorded',
  { agreementId: string; facts: DatedFactRef[]; precision: RecordedDatePrecision; reason: string }
>;

export type AgreementVaried = DomainEvent<'AgreementVaried', { agreementId: string; summary: string }>;

/**
 * A variation of the terms proposed (s23C(4)): pending until every party has signed it and every police party's
 * policing body has approved it (variations.ts). `effectiveFrom` is the day asked for, if one was.
 */
export type VariationProposed = DomainEvent<
  'VariationProposed',
  {
    agreementId: string;
    variationId: string;
    summary: string;
    proposedTerms: AgreementTerms;
    effectiveFrom: string | null;
  }
>;

export type VariationSigned = DomainEvent<
  'VariationSigned',
  { agreementId: string; variationId: string; party: string; signedBy: string }
>;

/** Credited to the policing body that held the role on the day, as `PccApprovalGiven` is. */
export type VariationApproved = DomainEvent<
  'VariationApproved',
  { agreementId: string; variationId: string; party: string; policingBody: PolicingBody }
>;

/**
 * The last signature or approval landed: the proposed terms become version `termsVersion`, effective from
 * `effectiveFrom`, folded exactly as a `TermsSet` of them.
 */
export type VariationTookEffect = DomainEvent<
  'VariationTookEffect',
  { agreementId: string; variationId: string; termsVersion: number; effectiveFrom: string }
>;

export type VariationWithdrawn = DomainEvent<
  'VariationWithdrawn',
  { agreementId: string; variationId: string; reason: string }
>;

export type HostForceChanged = DomainEvent<
  'HostForceChanged',
  { agreementId: string; from: string | null; to: string }
>;

/**
 * A body joining an agreement already in force. Schema version 3: the party's `capacity` (parties.ts); versions 1
 * and 2 have none, read as not recorded.
 */
export type PartyJoined = DomainEvent<'PartyJoined', { agreementId: string; party: PartyRecord } & DatedData>;

/**
 * Schema version 2: `override`, the acceptance of notice shorter than the terms' notice period (null when none was
 * needed). Version 1 had no such field; `upcastWithdrawalNoticeGiven` reads it as null. Version 3 (issue 15):
 * `datePrecision`, how exactly the day notice was given is known (`DatedData`); version 2 reads as 'day'.
 */
export type WithdrawalNoticeGiven = DomainEvent<
  'WithdrawalNoticeGiven',
  { agreementId: string; party: string; effectiveOn: string; override: NoticeOverride | null } & DatedData
>;

/** A version of the agreement's terms: the whole document, in force from `effectiveFrom` (terms.ts). */
export type TermsSet = DomainEvent<
  'TermsSet',
  { agreementId: string; termsVersion: number; effectiveFrom: string; terms: AgreementTerms }
>;

/** A party left the agreement on the event's day (version 2: with the precision of that day, `DatedData`). */
export type ForceWithdrew = DomainEvent<
  'ForceWithdrew',
  { agreementId: string; party: string; reason: string | null } & DatedData
>;

export type AgreementReviewed = DomainEvent<
  'AgreementReviewed',
  { agreementId: string; outcome: string; nextReviewDue: string | null }
>;

export type AgreementTerminated = DomainEvent<'AgreementTerminated', { agreementId: string; reason: string }>;

/** A service line (one of the agreement's functions) started on the event's day (service-lines.ts). */
export type ServiceLineAdded = DomainEvent<
  'ServiceLineAdded',
  { agreementId: string; serviceLineId: string; name: string }
>;

/** A service line ended on the event's day; the agreement goes on. */
export type ServiceLineEnded = DomainEvent<
  'ServiceLineEnded',
  { agreementId: string; serviceLineId: string; reason: string }
>;

/** A later figure for the same financial year replaces the earlier one. */
export type SavingsForecast = DomainEvent<
  'SavingsForecast',
  { agreementId: string; financialYear: string; amountPence: number }
>;

export type SavingsRealised = DomainEvent<
  'SavingsRealised',
  { agreementId: string; financialYear: string; amountPence: number }
>;

export type AgreementEvent =
  | AgreementDrafted
  | AgreementStartPlanned
  | AgreementStartReplanned
  | PredecessorSuperseded
  | MembershipDeclared
  | PartyAdded
  | AgreementSigned
  | PccApprovalGiven
  | AgreementCameIntoForce
  | DatePrecisionRecorded
  | AgreementVaried
  | VariationProposed
  | VariationSigned
  | VariationApproved
  | VariationTookEffect
  | VariationWithdrawn
  | HostForceChanged
  | PartyJoined
  | WithdrawalNoticeGiven
  | TermsSet
  | ForceWithdrew
  | AgreementReviewed
  | AgreementTerminated
  | ServiceLineAdded
  | ServiceLineEnded
  | SavingsForecast
  | SavingsRealised;

const agreementEventTypes = {
  AgreementDrafted: true,
  AgreementStartPlanned: true,
  AgreementStartReplanned: true,
  PredecessorSuperseded: true,
  MembershipDeclared: true,
  PartyAdded: true,
  AgreementSigned: true,
  PccApprovalGiven: true,
  AgreementCameIntoForce: true,
  DatePrecisionRecorded: true,
  AgreementVaried: true,
  VariationProposed: true,
  VariationSigned: true,
  VariationApproved: true,
  VariationTookEffect: true,
  VariationWithdrawn: true,
  HostForceChanged: true,
  PartyJoined: true,
  WithdrawalNoticeGiven: true,
  TermsSet: true,
  ForceWithdrew: true,
  AgreementReviewed: true,
  AgreementTerminated: true,
  ServiceLineAdded: true,
  ServiceLineEnded: true,
  SavingsForecast: true,
  SavingsRealised: true,
} satisfies Record<AgreementEvent['type'], true>;

/** Every agreement event type, for projections and subscriptions (the `satisfies` keeps it complete). */
export const AGREEMENT_EVENT_TYPES = Object.keys(agreementEventTypes) as AgreementEvent['type'][];

export const isAgreementEvent = (event: { type: string }): event is AgreementEvent =>
  Object.hasOwn(agreementEventTypes, event.type);
