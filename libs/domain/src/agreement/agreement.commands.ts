import type { BodyRef } from '../bodies/body.js';
import type { Command } from '../kernel/decider.js';
import type { ParentFacts, UnitInForce } from './units.js';
import type { DatedFactRef } from './date-precision.js';

/**
 * What an agreement is made under: Police Act 1996 s22A (police force collaboration, national ones
 * included), s23A (policing bodies' joint support services), another statute (`other`), or a memorandum of
 * understanding. Separate from its scope (docs/domain.md, "Agreements").
 */
export const LEGAL_BASES = ['s22A', 's23A', 'other', 'mou'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** How far an agreement reaches: some forces (`local`), a region's forces, or England and Wales (`national`). */
export const AGREEMENT_SCOPES = ['local', 'regional', 'national'] as const;
export type AgreementScope = (typeof AGREEMENT_SCOPES)[number];

export const DELIVERY_MODELS = ['host-force', 'joint-unit', 'virtual', 'national'] as const;
export type DeliveryModel = (typeof DELIVERY_MODELS)[number];

export const SAVINGS_KINDS = ['forecast', 'realised'] as const;
export type SavingsKind = (typeof SAVINGS_KINDS)[number];

/**
 * Every date-time below is an ISO 8601 date-time; every `…Due`/`…On` date is `YYYY-MM-DD`. `datePrecision`, where a
 * command has it, says how exactly its `occurredAt` is known: 'day' (the default), 'month', 'year' or 'on-or-before'
 * (date-precision.ts); it arrives as the client sent it and is checked by the decider.
 */

export type DraftAgreement = Command<
  'DraftAgreement',
  {
    agreementId: string;
    title: string;
    legalBasis: LegalBasis;
    /** Optional: null when not recorded. */
    scope?: AgreementScope | null;
    businessArea: string;
    deliveryModel: DeliveryModel;
    /** Resolved by the handler from the ids the officer gave. */
    parties: BodyRef[];
    /**
     * The capacity each police party acts in (parties.ts), as the client sent it: a party left out is not recorded.
     * Checked by the decider.
     */
    partyCapacities?: readonly { party: string; capacity: unknown }[] | null;
    /** What the source says of members it does not name (parties.ts), as the client sent it. */
    declaredMembership?: unknown;
    hostForce?: string | null;
    /** The umbrella agreement, e.g. Zephyr for its functional units; `exists` is checked by the handler. */
    parent?: { agreementId: string; exists: boolean; facts?: ParentFacts | null } | null;
    reviewDue?: string | null;
    /** The day it is planned to commence (`YYYY-MM-DD`), if one is; it may be re-planned (ReplanStart). */
    plannedStart?: string | null;
    occurredAt: string;
  }
>;

/** Moves a draft's planned start (or plans one), saying why. */
export type ReplanStart = Command<
  'ReplanStart',
  { agreementId: string; plannedStart: string; reason: string; occurredAt: string }
>;

/** Records that this agreement replaces another; `exists` is checked by the handler. */
export type RecordSupersession = Command<
  'RecordSupersession',
  { agreementId: string; superseded: { agreementId: string; exists: boolean }; occurredAt: string }
>;

export type SignAgreement = Command<
  'SignAgreement',
  { agreementId: string; party: string; signedBy: string; occurredAt: string; datePrecision?: unknown }
>;

export type GivePccApproval = Command<
  'GivePccApproval',
  { agreementId: string; party: string; occurredAt: string; datePrecision?: unknown }
>;

/** `parent`: the parent agreement's facts, supplied by the handler when the agreement is a unit (units.ts). */
export type BringIntoForce = Command<
  'BringIntoForce',
  { agreementId: string; occurredAt: string; datePrecision?: unknown; parent?: ParentFacts | null }
>;

/**
 * States how exactly dates already recorded are known (the seed import's register-page dates), without moving them:
 * each of `facts` must be recorded, and its date must fit the precision (a month its first day).
 */
export type RecordDatePrecision = Command<
  'RecordDatePrecision',
  { agreementId: string; facts: DatedFactRef[]; precision: unknown; reason: string }
>;

export type VaryAgreement = Command<'VaryAgreement', { agreementId: string; summary: string; occurredAt: string }>;

/**
 * Proposes a variation of the terms (Police Act 1996 s23C(4): varied like the agreement is made). `proposedTerms` is
 * the whole terms document, as SetTerms takes it, checked by the decider (terms.ts); `effectiveFrom` the day it is
 * to take effect at the earliest (variations.ts).
 */
export type ProposeVariation = Command<
  'ProposeVariation',
  {
    agreementId: string;
    variationId: string;
    summary: string;
    proposedTerms: unknown;
    effectiveFrom?: string | null;
    occurredAt: string;
  }
>;

export type SignVariation = Command<
  'SignVariation',
  { agreementId: string; variationId: string; party: string; signedBy: string; occurredAt: string }
>;

/** The party's local policing body approves the variation. */
export type ApproveVariation = Command<
  'ApproveVariation',
  { agreementId: string; variationId: string; party: string; occurredAt: string }
>;

export type WithdrawVariation = Command<
  'WithdrawVariation',
  { agreementId: string; variationId: string; reason: string; occurredAt: string }
>;

export type ChangeHostForce = Command<
  'ChangeHostForce',
  { agreementId: string; hostForce: string; occurredAt: string }
>;

/** Adds a party to a draft, or records a body joining an agreement in force. */
export type AddParty = Command<
  'AddParty',
  {
    agreementId: string;
    party: BodyRef;
    /** The capacity a police party acts in (parties.ts), as the client sent it; absent or null: not recorded. */
    capacity?: unknown;
    occurredAt: string;
    datePrecision?: unknown;
    parent?: ParentFacts | null;
  }
>;

/** Shorter notice than the terms' notice period, accepted by someone with the authority to (terms.ts). */
export interface NoticeOverride {
  acceptedBy: string;
  reason: string;
}

export type GiveWithdrawalNotice = Command<
  'GiveWithdrawalNotice',
  {
    agreementId: string;
    party: string;
    effectiveOn: string;
    occurredAt: string;
    /** Lets notice shorter than the terms' notice period through; refused where the notice is long enough. */
    override?: NoticeOverride | null;
    /** How exactly the day notice was given (`occurredAt`) is known (date-precision.ts). */
    datePrecision?: unknown;
  }
>;

/**
 * Sets the whole terms document as its next version, effective from a day (`YYYY-MM-DD`); `terms` is checked by
 * the decider (terms.ts), so it arrives as the client sent it.
 */
export type SetTerms = Command<
  'SetTerms',
  { agreementId: string; effectiveFrom: string; terms: unknown; occurredAt: string }
>;

export type WithdrawParty = Command<
  'WithdrawParty',
  { agreementId: string; party: string; occurredAt: string; reason?: string | null; datePrecision?: unknown }
>;

export type ReviewAgreement = Command<
  'ReviewAgreement',
  { agreementId: string; outcome: string; nextReviewDue?: string | null; occurredAt: string }
>;

export type TerminateAgreement = Command<
  'TerminateAgreement',
  {
    agreementId: string;
    reason: string;
    occurredAt: string;
    /** The agreement's units in force, supplied by the handler (units.ts); refused unless `endUnits`. */
    unitsInForce?: readonly UnitInForce[];
    endUnits?: boolean;
  }
>;

/** Starts a service line (one of the agreement's functions: service-lines.ts) from `occurredAt`'s day. */
export type AddServiceLine = Command<
  'AddServiceLine',
  { agreementId: string; serviceLineId: string; name: string; occurredAt: string }
>;

/** Ends a running service line while the agreement goes on (seed 002: dogs and roads went back to the forces). */
export type EndServiceLine = Command<
  'EndServiceLine',
  { agreementId: string; serviceLineId: string; reason: string; occurredAt: string }
>;

/** Recorded at the server's time: a savings figure is a statement about a financial year, not a dated fact. */
export type RecordSavings = Command<
  'RecordSavings',
  { agreementId: string; financialYear: string; kind: SavingsKind; amountPence: number }
>;

export type AgreementCommand =
  | DraftAgreement
  | ReplanStart
  | RecordSupersession
  | SignAgreement
  | GivePccApproval
  | BringIntoForce
  | RecordDatePrecision
  | VaryAgreement
  | ProposeVariation
  | SignVariation
  | ApproveVariation
  | WithdrawVariation
  | ChangeHostForce
  | AddParty
  | GiveWithdrawalNotice
  | SetTerms
  | WithdrawParty
  | ReviewAgreement
  | TerminateAgreement
  | AddServiceLine
  | EndServiceLine
  | RecordSavings;
