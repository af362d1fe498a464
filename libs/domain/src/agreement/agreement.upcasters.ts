import type { AgreementScope, LegalBasis } from './agreement.commands.js';
import type { RecordedDatePrecision } from '../kernel/dates.js';
import type { AgreementDrafted, ForceWithdrew, WithdrawalNoticeGiven } from './agreement.events.js';

/**
 * The schema version each event type is written with today (agreement events, `DecisionRecorded`, whose
 * upcaster is beside its event, and the board events that have more than one version or carry one). A type not listed is at version 1.
 * Stored events are never rewritten: a reader upcasts an older version when it reads it.
 */
export const AGREEMENT_SCHEMA_VERSIONS: Readonly<Partial<Record<string, number>>> = {
  AgreementDrafted: 3,
  PartyAdded: 2,
  MembershipDeclared: 1,
  AgreementSigned: 2,
  PccApprovalGiven: 2,
  AgreementCameIntoForce: 2,
  PartyJoined: 3,
  ForceWithdrew: 2,
  DatePrecisionRecorded: 1,
  AgreementStartPlanned: 1,
  AgreementStartReplanned: 1,
  PredecessorSuperseded: 1,
  WithdrawalNoticeGiven: 3,
  TermsSet: 1,
  ServiceLineAdded: 1,
  ServiceLineEnded: 1,
  VariationProposed: 1,
  VariationSigned: 1,
  VariationApproved: 1,
  VariationTookEffect: 1,
  VariationWithdrawn: 1,
  DecisionRecorded: 2,
  BoardAccountabilitySet: 1,
  BoardOversightChanged: 1,
  BoardMeetingHeld: 2,
};

/** `AgreementDrafted` version 1: one field for what version 2 records as two. */
interface AgreementDraftedV1 extends Omit<AgreementDrafted['data'], 'legalBasis' | 'scope'> {
  legalBasis: LegalBasis | 'national';
}

/**
 * `AgreementDrafted` data in its version 2 shape, whatever version it was stored at. Version 1 (release
 * 0.1.0) mixed two things in `legalBasis`: a statute (s22A, s23A, other, mou) or the scope `national`.
 * Version 1 `national` becomes scope `national` with the legal basis not recorded (null): the record never
 * said which statute (national collaborations are usually made under s22A, but an old record cannot be
 * assumed to be); every other version 1 value keeps its legal basis, with the scope not recorded. The shape
 * tells the versions apart (version 1 has no `scope`), so domain events folded without their envelope
 * upcast the same way.
 */
export function upcastAgreementDrafted(data: AgreementDrafted['data'] | AgreementDraftedV1): AgreementDrafted['data'] {
  if ('scope' in data) return data;
  const { legalBasis, ...rest } = data;
  const scope: AgreementScope | null = legalBasis === 'national' ? 'national' : null;
  return { ...rest, legalBasis: legalBasis === 'national' ? null : legalBasis, scope };
}

/** `WithdrawalNoticeGiven` version 1 (before notice periods): no override, as none could be needed. */
type WithdrawalNoticeGivenV1 = Omit<WithdrawalNoticeGiven['data'], 'override'>;

/**
 * `WithdrawalNoticeGiven` data in its version 3 shape: version 1 is told by its missing `override` (none could be
 * needed), version 2 by its missing `datePrecision` (its day was recorded as exact: 'day').
 */
export function upcastWithdrawalNoticeGiven(
  data: WithdrawalNoticeGiven['data'] | WithdrawalNoticeGivenV1,
): WithdrawalNoticeGiven['data'] & { datePrecision: RecordedDatePrecision } {
  const withOverride = 'override' in data ? data : { ...data, override: null };
  return withOverride.datePrecision === undefined
    ? { ...withOverride, datePrecision: 'day' }
    : { ...withOverride, datePrecision: withOverride.datePrecision };
}

/**
 * `ForceWithdrew` data in its version 2 shape: version 1 (release 0.1.0, before precisions) has no `datePrecision`
 * and its day was recorded as exact, so it reads as 'day'.
 */
export function upcastForceWithdrew(
  data: ForceWithdrew['data'],
): ForceWithdrew['data'] & { datePrecision: RecordedDatePrecision } {
  return { ...data, datePrecision: data.datePrecision ?? 'day' };
}
