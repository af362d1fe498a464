import type { BodyRef, PolicingBody } from '../bodies/body.js';
import { toCalendarDate, type RecordedDatePrecision } from '../kernel/dates.js';
import type { AgreementScope, DeliveryModel, LegalBasis, NoticeOverride } from './agreement.commands.js';
import type { AgreementEvent } from './agreement.events.js';
import { upcastAgreementDrafted, upcastForceWithdrew, upcastWithdrawalNoticeGiven } from './agreement.upcasters.js';
import { precisionOf } from './date-precision.js';
import type { ServiceLine } from './service-lines.js';
import type { TermsVersion } from './terms.js';
import type { VariationState } from './variations.js';
import type { DatedFactRef } from './date-precision.js';
import { capacityOf, type DeclaredMembership, type PartyCapacity, type PartyRecord } from './parties.js';

export type AgreementStatus = 'none' | 'drafted' | 'in-force' | 'terminated';

/** A current party. Dates in the state are calendar dates: ordering rules compare days, not instants. */
export interface Member {
  body: BodyRef;
  /** The capacity a police party acts in (parties.ts); null when not recorded (or not a police force). */
  capacity: PartyCapacity | null;
  joinedOn: string;
  /** How exactly `joinedOn` is known for a body that joined in force (date-precision.ts); 'day' for the draft's. */
  joinedPrecision: RecordedDatePrecision;
  /** True for a body that joined the agreement in force (PartyJoined), false for a party of the draft. */
  joinedInForce: boolean;
  signature: { signedOn: string; signedBy: string; precision: RecordedDatePrecision } | null;
  approval: { approvedOn: string; policingBody: PolicingBody; precision: RecordedDatePrecision } | null;
  notice: {
    givenOn: string;
    /** How exactly `givenOn` is known (issue 15). */
    givenPrecision: RecordedDatePrecision;
    effectiveOn: string;
    override: NoticeOverride | null;
  } | null;
}

export interface FormerMember {
  body: BodyRef;
  joinedOn: string;
  leftOn: string;
  /** How exactly `leftOn` is known (issue 15): 'day' for a version 1 event. */
  leftPrecision: RecordedDatePrecision;
  reason: string | null;
}

export interface SavingsFigures {
  forecastPence: number | null;
  realisedPence: number | null;
}

export interface AgreementState {
  status: AgreementStatus;
  agreementId: string;
  title: string;
  legalBasis: LegalBasis | null;
  scope: AgreementScope | null;
  businessArea: string;
  deliveryModel: DeliveryModel | null;
  parentAgreementId: string | null;
  members: readonly Member[];
  formerMembers: readonly FormerMember[];
  hostForce: string | null;
  draftedOn: string | null;
  draftedPrecision: RecordedDatePrecision;
  inForceFrom: string | null;
  /** How exactly `inForceFrom` is known: 'on-or-before' when a source says only that it was in force by then. */
  inForcePrecision: RecordedDatePrecision;
  terminatedOn: string | null;
  reviewDue: string | null;
  lastReviewedOn: string | null;
  /** The day a draft is planned to commence; it stays once the agreement commences, as the plan it had. */
  plannedStart: string | null;
  /** The agreements this one replaces, in the order recorded. */
  supersedes: readonly string[];
  /** What the source says of members it does not name (parties.ts); null when every member is named. */
  declaredMembership: DeclaredMembership | null;
  /** Every version of the terms, in the order set (terms.ts). */
  terms: readonly TermsVersion[];
  /** Every service line ever started, running or ended, by id: a Map, as every state keyed by what users send. */
  serviceLines: ReadonlyMap<string, ServiceLine>;
  /** Variations of the terms proposed, by variation id (variations.ts). */
  variations: ReadonlyMap<string, VariationState>;
  /** The latest valid date of any fact about the agreement (savings figures aside). */
  latestFactOn: string | null;
  /** By financial year (`2015-16`); a Map, as every state keyed by what users send. */
  savings: ReadonlyMap<string, SavingsFigures>;
}

export const initialAgreementState = (): AgreementState => ({
  status: 'none',
  agreementId: '',
  title: '',
  legalBasis: null,
  scope: null,
  businessArea: '',
  deliveryModel: null,
  parentAgreementId: null,
  members: [],
  formerMembers: [],
  hostForce: null,
  draftedOn: null,
  draftedPrecision: 'day',
  inForceFrom: null,
  inForcePrecision: 'day',
  terminatedOn: null,
  reviewDue: null,
  lastReviewedOn: null,
  plannedStart: null,
  supersedes: [],
  declaredMembership: null,
  terms: [],
  serviceLines: new Map(),
  variations: new Map(),
  latestFactOn: null,
  savings: new Map(),
});

export const findMember = (state: AgreementState, partyId: string): Member | undefined =>
  state.members.find((member) => member.body.id === partyId);

/** A member from the party an event records: the body as it was then, and its capacity (null: not recorded). */
const newMember = (
  party: PartyRecord,
  joinedOn: string,
  joinedPrecision: RecordedDatePrecision | null = null,
): Member => ({
  body: { id: party.id, name: party.name, kind: party.kind, policingBody: party.policingBody },
  capacity: capacityOf(party),
  joinedOn,
  joinedPrecision: joinedPrecision ?? 'day',
  joinedInForce: joinedPrecision !== null,
  signature: null,
  approval: null,
  notice: null,
});

const updateMember = (state: AgreementState, partyId: string, change: (member: Member) => Member): readonly Member[] =>
  state.members.map((member) => (member.body.id === partyId ? change(member) : member));

const later = (a: string | null, b: string): string => (a !== null && a > b ? a : b);

const recordSavings = (
  state: AgreementState,
  financialYear: string,
  figure: Partial<SavingsFigures>,
): AgreementState['savings'] =>
  new Map(state.savings).set(financialYear, {
    ...(state.savings.get(financialYear) ?? { forecastPence: null, realisedPence: null }),
    ...figure,
  });

/** The one way a terms version joins the history: a `TermsSet`, or a variation taking effect. */
const withTermsVersion = (state: AgreementState, version: TermsVersion): AgreementState => ({
  ...state,
  terms: [...state.terms, version],
});

const updateVariation = (
  state: AgreementState,
  variationId: string,
  change: (variation: VariationState) => VariationState,
): AgreementState => {
  const variation = state.variations.get(variationId);
  return variation ? { ...state, variations: new Map(state.variations).set(variationId, change(variation)) } : state;
};

/** The facts named take `precision`; a fact not (or no longer) in the state is left alone. */
const withDatePrecision = (
  state: AgreementState,
  facts: readonly DatedFactRef[],
  precision: RecordedDatePrecision,
): AgreementState => {
  let next = state;
  for (const { fact, party } of facts) {
    if (fact === 'drafted') next = { ...next, draftedPrecision: precision };
    else if (fact === 'in-force') next = { ...next, inForcePrecision: precision };
    else if (fact === 'left' && party !== null) {
      const index = next.formerMembers.findLastIndex((former) => former.body.id === party);
      next = {
        ...next,
        formerMembers: next.formerMembers.map((former, i) =>
          i === index ? { ...former, leftPrecision: precision } : former,
        ),
      };
    } else if (party !== null) {
      next = {
        ...next,
        members: updateMember(next, party, (member) => {
          if (fact === 'signed' && member.signature)
            return { ...member, signature: { ...member.signature, precision } };
          if (fact === 'approved' && member.approval) return { ...member, approval: { ...member.approval, precision } };
          if (fact === 'joined' && member.joinedInForce) return { ...member, joinedPrecision: precision };
          return member;
        }),
      };
    }
  }
  return next;
};

export const evolveAgreement = (state: AgreementState, event: AgreementEvent): AgreementState => {
  const on = toCalendarDate(event.occurredAt);
  const dated = (next: AgreementState): AgreementState => ({ ...next, latestFactOn: later(state.latestFactOn, on) });

  switch (event.type) {
    case 'AgreementDrafted': {
      const data = upcastAgreementDrafted(event.data);
      return dated({
        ...state,
        status: 'drafted',
        agreementId: data.agreementId,
        title: data.title,
        legalBasis: data.legalBasis,
        scope: data.scope,
        businessArea: data.businessArea,
        deliveryModel: data.deliveryModel,
        parentAgreementId: data.parentAgreementId,
        members: data.parties.map((party) => newMember(party, on)),
        hostForce: data.hostForce,
        draftedOn: on,
        reviewDue: data.reviewDue,
      });
    }
    case 'AgreementStartPlanned':
    case 'AgreementStartReplanned':
      return dated({ ...state, plannedStart: event.data.plannedStart });
    case 'PredecessorSuperseded':
      return dated({ ...state, supersedes: [...state.supersedes, event.data.supersededAgreementId] });
    case 'MembershipDeclared':
      return { ...state, declaredMembership: { description: event.data.description, count: event.data.count } };
    case 'PartyAdded':
      return dated({ ...state, members: [...state.members, newMember(event.data.party, on)] });
    case 'PartyJoined':
      return dated({
        ...state,
        members: [...state.members, newMember(event.data.party, on, precisionOf(event.data))],
      });
    case 'AgreementSigned':
      return dated({
        ...state,
        members: updateMember(state, event.data.party, (member) => ({
          ...member,
          signature: { signedOn: on, signedBy: event.data.signedBy, precision: precisionOf(event.data) },
        })),
      });
    case 'PccApprovalGiven':
      return dated({
        ...state,
        members: updateMember(state, event.data.party, (member) => ({
          ...member,
          approval: { approvedOn: on, policingBody: event.data.policingBody, precision: precisionOf(event.data) },
        })),
      });
    case 'AgreementCameIntoForce':
      return dated({ ...state, status: 'in-force', inForceFrom: on, inForcePrecision: precisionOf(event.data) });
    // A statement about recorded dates, at the server's time: it takes no part in ordering the agreement's facts.
    case 'DatePrecisionRecorded':
      return withDatePrecision(state, event.data.facts, event.data.precision);
    case 'AgreementVaried':
      return dated(state);
    case 'VariationProposed': {
      const { variationId, summary, proposedTerms, effectiveFrom } = event.data;
      const variation: VariationState = {
        variationId,
        summary,
        proposedOn: on,
        proposedTerms,
        effectiveFrom,
        status: 'pending',
        signatures: new Map(),
        approvals: new Map(),
      };
      return dated({ ...state, variations: new Map(state.variations).set(variationId, variation) });
    }
    case 'VariationSigned': {
      const { variationId, party, signedBy } = event.data;
      return dated(
        updateVariation(state, variationId, (v) => ({
          ...v,
          signatures: new Map(v.signatures).set(party, { signedOn: on, signedBy }),
        })),
      );
    }
    case 'VariationApproved': {
      const { variationId, party, policingBody } = event.data;
      return dated(
        updateVariation(state, variationId, (v) => ({
          ...v,
          approvals: new Map(v.approvals).set(party, { approvedOn: on, policingBody }),
        })),
      );
    }
    case 'VariationTookEffect': {
      const { variationId, termsVersion, effectiveFrom } = event.data;
      const variation = state.variations.get(variationId);
      if (!variation) return dated(state);
      const effective = updateVariation(state, variationId, (v) => ({ ...v, status: 'effective' }));
      return dated(
        withTermsVersion(effective, { termsVersion, effectiveFrom, setOn: on, terms: variation.proposedTerms }),
      );
    }
    case 'VariationWithdrawn':
      return dated(updateVariation(state, event.data.variationId, (v) => ({ ...v, status: 'withdrawn' })));
    case 'HostForceChanged':
      return dated({ ...state, hostForce: event.data.to });
    case 'WithdrawalNoticeGiven': {
      const { party, effectiveOn, override, datePrecision } = upcastWithdrawalNoticeGiven(event.data);
      return dated({
        ...state,
        members: updateMember(state, party, (member) => ({
          ...member,
          notice: { givenOn: on, givenPrecision: datePrecision, effectiveOn, override },
        })),
      });
    }
    case 'TermsSet': {
      const { termsVersion, effectiveFrom, terms } = event.data;
      return dated(withTermsVersion(state, { termsVersion, effectiveFrom, setOn: on, terms }));
    }
    case 'ForceWithdrew': {
      const { party, reason, datePrecision } = upcastForceWithdrew(event.data);
      const leaving = findMember(state, party);
      return dated({
        ...state,
        members: state.members.filter((member) => member.body.id !== party),
        formerMembers: leaving
          ? [
              ...state.formerMembers,
              { body: leaving.body, joinedOn: leaving.joinedOn, leftOn: on, leftPrecision: datePrecision, reason },
            ]
          : state.formerMembers,
      });
    }
    case 'AgreementReviewed':
      return dated({ ...state, lastReviewedOn: on, reviewDue: event.data.nextReviewDue });
    case 'AgreementTerminated': {
      // A line still running ends with the agreement (service-lines.ts).
      const serviceLines = new Map(
        [...state.serviceLines].map(([id, line]) => [
          id,
          line.until === null ? { ...line, until: on, endReason: event.data.reason } : line,
        ]),
      );
      return dated({ ...state, status: 'terminated', terminatedOn: on, serviceLines });
    }
    case 'ServiceLineAdded': {
      const { serviceLineId, name } = event.data;
      const line: ServiceLine = { serviceLineId, name, from: on, until: null, endReason: null };
      return dated({ ...state, serviceLines: new Map(state.serviceLines).set(serviceLineId, line) });
    }
    case 'ServiceLineEnded': {
      const line = state.serviceLines.get(event.data.serviceLineId);
      if (!line) return dated(state);
      const ended: ServiceLine = { ...line, until: on, endReason: event.data.reason };
      return dated({ ...state, serviceLines: new Map(state.serviceLines).set(line.serviceLineId, ended) });
    }
    // Savings are recorded at the server's time, so they take no part in ordering the agreement's facts.
    case 'SavingsForecast':
      return {
        ...state,
        savings: recordSavings(state, event.data.financialYear, { forecastPence: event.data.amountPence }),
      };
    case 'SavingsRealised':
      return {
        ...state,
        savings: recordSavings(state, event.data.financialYear, { realisedPence: event.data.amountPence }),
      };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};
