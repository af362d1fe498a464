import { approvalAskedOf } from './parties.js';
import { toCalendarDate } from '../kernel/dates.js';
import { AlreadyExistsError, NotFoundError, RuleBrokenError } from '../kernel/errors.js';
import { requireEntityId, requireOccurredAt, requireText } from '../kernel/validation.js';
import type { PolicingBody } from '../bodies/body.js';
import type { ApproveVariation, ProposeVariation, SignVariation, WithdrawVariation } from './agreement.commands.js';
import type { AgreementEvent } from './agreement.events.js';
import {
  policingBodyCreditedOn,
  requireExisting,
  requireMember,
  requireNotBefore,
  requireNotBeforeMembership,
} from './agreement.rules.js';
import type { AgreementState, Member } from './agreement.state.js';
import { requireEffectiveFrom, requireTerms, type AgreementTerms } from './terms.js';

/**
 * Variations of the terms (issue 15 item 2). Police Act 1996 s23C(4): a collaboration agreement may be varied, and
 * a variation is made as the agreement is, so it takes effect only when every party has signed it and every police
 * party's policing body has approved it (s22A needs the approval for the chief officer to agree). Until then it is
 * pending. When the last signature or approval lands, the same decision records `VariationTookEffect`, and the
 * proposed terms become the next terms version (docs/domain.md, "Variations").
 */

export type VariationStatus = 'pending' | 'effective' | 'withdrawn';

export interface VariationState {
  variationId: string;
  summary: string;
  proposedOn: string;
  proposedTerms: AgreementTerms;
  /** The day asked for; it takes effect on the later of this and the day it is complete. */
  effectiveFrom: string | null;
  status: VariationStatus;
  /** By party id. */
  signatures: ReadonlyMap<string, { signedOn: string; signedBy: string }>;
  approvals: ReadonlyMap<string, { approvedOn: string; policingBody: PolicingBody }>;
}

/** Who still has to sign it, and whose policing body still has to approve it: of the current parties. */
export const outstandingFor = (
  variation: Pick<VariationState, 'signatures' | 'approvals'>,
  members: readonly Member[],
): { unsigned: Member[]; unapproved: Member[] } => ({
  unsigned: members.filter((member) => !variation.signatures.has(member.body.id)),
  unapproved: members.filter((member) => approvalAskedOf(member) && !variation.approvals.has(member.body.id)),
});

/**
 * The day a complete variation takes effect: the day asked for, but never before the day it became complete (it
 * is not agreed until then) nor before the terms version in force before it (the history reads forward).
 */
export const variationEffectiveFrom = (
  requested: string | null,
  completeOn: string,
  previousEffectiveFrom: string | null,
): string => [requested, completeOn, previousEffectiveFrom].reduce<string>((a, b) => (b !== null && b > a ? b : a), '');

const requirePendingVariation = (state: AgreementState, variationId: string): VariationState => {
  const variation = state.variations.get(variationId);
  if (!variation) {
    throw new NotFoundError(
      'variation-not-found',
      `"${state.title}" has no variation "${variationId}": propose it first.`,
      'variationId',
    );
  }
  if (variation.status !== 'pending') {
    throw new RuleBrokenError(
      variation.status === 'withdrawn' ? 'variation-withdrawn' : 'variation-already-effective',
      `The variation "${variation.summary}" (${variationId}) ${variation.status === 'withdrawn' ? 'was withdrawn' : 'has taken effect'}: nothing more can be recorded against it.`,
      'variationId',
    );
  }
  return variation;
};

/** The events after a signature or approval: and, if it was the last one missing, the variation taking effect. */
const completing = (
  state: AgreementState,
  variation: VariationState,
  recorded: AgreementEvent & { type: 'VariationSigned' | 'VariationApproved' },
): AgreementEvent[] => {
  const after: VariationState =
    recorded.type === 'VariationSigned'
      ? {
          ...variation,
          signatures: new Map(variation.signatures).set(recorded.data.party, {
            signedOn: toCalendarDate(recorded.occurredAt),
            signedBy: recorded.data.signedBy,
          }),
        }
      : {
          ...variation,
          approvals: new Map(variation.approvals).set(recorded.data.party, {
            approvedOn: toCalendarDate(recorded.occurredAt),
            policingBody: recorded.data.policingBody,
          }),
        };
  const { unsigned, unapproved } = outstandingFor(after, state.members);
  if (unsigned.length > 0 || unapproved.length > 0) return [recorded];
  const previous = state.terms.at(-1);
  return [
    recorded,
    {
      type: 'VariationTookEffect',
      occurredAt: recorded.occurredAt,
      data: {
        agreementId: state.agreementId,
        variationId: variation.variationId,
        termsVersion: (previous?.termsVersion ?? 0) + 1,
        effectiveFrom: variationEffectiveFrom(
          variation.effectiveFrom,
          toCalendarDate(recorded.occurredAt),
          previous?.effectiveFrom ?? null,
        ),
      },
    },
  ];
};

export const proposeVariation = ({ data, metadata }: ProposeVariation, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const variationId = requireEntityId(data.variationId, 'variationId', 'variation');
  const existing = state.variations.get(variationId);
  if (existing) {
    throw new AlreadyExistsError(
      'variation-already-exists',
      `"${state.title}" already has a variation "${variationId}" ("${existing.summary}", proposed on ${existing.proposedOn}).`,
      'variationId',
    );
  }
  const summary = requireText(data.summary, 'summary', 'summary-required', 'Summarise what the variation changes.');
  const proposedTerms = requireTerms(
    data.proposedTerms,
    state.members.map((member) => member.body),
    'proposedTerms',
  );
  const effectiveFrom =
    data.effectiveFrom === undefined || data.effectiveFrom === null
      ? null
      : requireEffectiveFrom(data.effectiveFrom, state.terms.at(-1));
  requireNotBefore(toCalendarDate(occurredAt), state.draftedOn, 'A variation', 'the agreement was drafted');
  return [
    {
      type: 'VariationProposed',
      occurredAt,
      data: { agreementId: state.agreementId, variationId, summary, proposedTerms, effectiveFrom },
    },
  ];
};

export const signVariation = ({ data, metadata }: SignVariation, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const variation = requirePendingVariation(state, data.variationId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const member = requireMember(state, data.party);
  const signedBy = requireText(data.signedBy, 'signedBy', 'signed-by-required', 'Say who signed for the party.');
  const signed = variation.signatures.get(member.body.id);
  if (signed) {
    throw new RuleBrokenError(
      'party-already-signed',
      `${member.body.name} has already signed the variation "${variation.summary}" (on ${signed.signedOn}).`,
      'party',
    );
  }
  const on = toCalendarDate(occurredAt);
  requireNotBefore(on, variation.proposedOn, `${member.body.name}'s signature`, 'the variation was proposed');
  requireNotBeforeMembership(state, member, on, `${member.body.name}'s signature`);
  return completing(state, variation, {
    type: 'VariationSigned',
    occurredAt,
    data: { agreementId: state.agreementId, variationId: variation.variationId, party: member.body.id, signedBy },
  });
};

export const approveVariation = ({ data, metadata }: ApproveVariation, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const variation = requirePendingVariation(state, data.variationId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const member = requireMember(state, data.party);
  const policingBody = policingBodyCreditedOn(member, occurredAt);
  if (!policingBody) {
    throw new RuleBrokenError(
      'no-policing-body',
      `${member.body.name} has no local policing body, so there is no approval of the variation to record for it.`,
      'party',
    );
  }
  if (!approvalAskedOf(member)) {
    throw new RuleBrokenError(
      'approval-not-asked',
      `${member.body.name} is a party by its policing body, which consents to the variation by its own signature: ` +
        'no separate approval is asked of it.',
      'party',
    );
  }
  const approved = variation.approvals.get(member.body.id);
  if (approved) {
    throw new RuleBrokenError(
      'approval-already-given',
      `${approved.policingBody.name} has already approved the variation "${variation.summary}" for ${member.body.name} (on ${approved.approvedOn}).`,
      'party',
    );
  }
  const on = toCalendarDate(occurredAt);
  requireNotBefore(on, variation.proposedOn, `The approval by ${policingBody.name}`, 'the variation was proposed');
  requireNotBeforeMembership(state, member, on, `The approval by ${policingBody.name}`);
  return completing(state, variation, {
    type: 'VariationApproved',
    occurredAt,
    data: { agreementId: state.agreementId, variationId: variation.variationId, party: member.body.id, policingBody },
  });
};

export const withdrawVariation = ({ data, metadata }: WithdrawVariation, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const variation = requirePendingVariation(state, data.variationId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const reason = requireText(data.reason, 'reason', 'reason-required', 'Say why the variation is withdrawn.');
  requireNotBefore(toCalendarDate(occurredAt), variation.proposedOn, 'Its withdrawal', 'the variation was proposed');
  return [
    {
      type: 'VariationWithdrawn',
      occurredAt,
      data: { agreementId: state.agreementId, variationId: variation.variationId, reason },
    },
  ];
};
