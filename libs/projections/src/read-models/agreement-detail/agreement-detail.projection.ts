import type {
  AgreementCameIntoForce,
  AgreementDrafted,
  AgreementReviewed,
  AgreementSigned,
  AgreementStartPlanned,
  AgreementStartReplanned,
  AgreementTerminated,
  AgreementVaried,
  BodyKind,
  DatePrecisionRecorded,
  ForceWithdrew,
  HostForceChanged,
  PartyAdded,
  PartyJoined,
  PccApprovalGiven,
  PolicingBody,
  PredecessorSuperseded,
  SavingsForecast,
  SavingsRealised,
  ServiceLineAdded,
  ServiceLineEnded,
  TermsSet,
  VariationApproved,
  VariationProposed,
  VariationSigned,
  VariationTookEffect,
  VariationWithdrawn,
  WithdrawalNoticeGiven,
  AgreementTerms,
  NoticeOverride,
  RecordedDatePrecision,
  DeclaredMembership,
  MembershipDeclared,
  PartyCapacity,
  PartyRecord,
} from '#domain';
import {
  approvalAskedOf,
  capacityOf,
  capacitySentence,
  inForceSentence,
  leftSentence,
  namedSentence,
  precisionOf,
  upcastAgreementDrafted,
  upcastForceWithdrew,
  upcastWithdrawalNoticeGiven,
} from '#domain';
import { displayActorText, type StoredEvent } from '#event-store';
import type { SqlProjection } from '../../sql-projection.js';
import { foldAgreementRows, rowsByIds, writeRows } from '../batch-rows.js';
import { dataOf, dayOf } from '../shared.js';
import type { RegisterStatus } from '../agreement-register/agreement-register.projection.js';

/** Every body that has been a party, with the dates of its membership. Dates are `YYYY-MM-DD`. */
export interface PartyDetail {
  id: string;
  name: string;
  kind: BodyKind;
  policingBody: PolicingBody | null;
  /**
   * The capacity a police party acts in (chief officer, policing body or both: Police Act 1996 s22A); null when not
   * recorded (every record before capacities were, and any body without a policing body), shown in `capacityText`.
   */
  capacity: PartyCapacity | null;
  capacityText: string;
  /** Whether its policing body's approval is asked before commencement (parties.ts, `approvalAskedOf`). */
  approvalAsked: boolean;
  /** Party to the draft (`original`) or joined the agreement in force (`joined`). */
  how: 'original' | 'joined';
  /** Added to the draft or joined. */
  addedOn: string;
  /** How exactly each date is known (issue 15): day, month, year or on-or-before; null where there is no date. */
  addedPrecision: RecordedDatePrecision;
  signedOn: string | null;
  signedBy: string | null;
  signedPrecision: RecordedDatePrecision | null;
  approvedOn: string | null;
  approvedPrecision: RecordedDatePrecision | null;
  noticeGivenOn: string | null;
  /** How exactly `noticeGivenOn` is known (issue 15); null where no notice was given. */
  noticeGivenPrecision: RecordedDatePrecision | null;
  noticeEffectiveOn: string | null;
  /** Who accepted notice shorter than the terms' notice period, and why; null when none was needed. */
  noticeOverride: NoticeOverride | null;
  withdrewOn: string | null;
  /** How exactly `withdrewOn` is known (issue 15), and the sentence a reader sees: "left in July 2016". */
  withdrewPrecision: RecordedDatePrecision | null;
  withdrawalSentence: string | null;
  withdrawalReason: string | null;
  current: boolean;
}

export interface HostForcePeriod {
  hostForce: string;
  from: string;
  /** The day another force took over; null while it hosts. */
  until: string | null;
}

/** A planned start as drafted (`reason` null) or as re-planned, in the order planned. */
export interface PlannedStartEntry {
  plannedStart: string;
  plannedOn: string;
  reason: string | null;
  recordedBy: string;
}

/** One version of the terms as set (the whole document), and when and by whom. */
export interface TermsVersionDetail {
  termsVersion: number;
  effectiveFrom: string;
  setOn: string;
  recordedBy: string;
  terms: AgreementTerms;
}

/**
 * A service line (one of the agreement's functions), with the days it runs: from `from` up to, not including,
 * `until` (null while it runs). A line still running when the agreement ends ends with it: `until` its
 * termination day and `endReason` the termination's reason.
 */
export interface ServiceLineDetail {
  serviceLineId: string;
  name: string;
  from: string;
  until: string | null;
  endReason: string | null;
}

/**
 * A variation: of the terms (`kind: 'terms'`, s23C(4): pending until every current party has signed it and every
 * police party's policing body has approved it), or a free-text note of one made (`kind: 'note'`, effective as
 * recorded, with no terms, signatures or approvals of its own).
 */
export interface VariationDetail {
  kind: 'terms' | 'note';
  /** Null for a note. */
  variationId: string | null;
  summary: string;
  status: 'pending' | 'effective' | 'withdrawn';
  proposedOn: string;
  recordedBy: string;
  /** The day the agreement was varied (a note: the day recorded); null until then. */
  variedOn: string | null;
  proposedTerms: AgreementTerms | null;
  /** Asked for while pending; once effective, the day the new terms took effect from. */
  effectiveFrom: string | null;
  /** The terms version it became, once effective. */
  termsVersion: number | null;
  signatures: { party: string; signedBy: string; signedOn: string }[];
  approvals: { party: string; policingBody: PolicingBody; approvedOn: string }[];
  /** The current parties yet to sign, and those whose policing body is yet to approve (empty unless pending). */
  awaitingSignature: string[];
  awaitingApproval: string[];
  withdrawnOn: string | null;
  withdrawalReason: string | null;
}

export interface AgreementDetail {
  agreementId: string;
  title: string;
  /** The statute or MoU it is made under; null when an old record gave only its scope. */
  legalBasis: string | null;
  /** local, regional or national; null when not recorded. */
  scope: string | null;
  businessArea: string;
  deliveryModel: string;
  status: RegisterStatus;
  parentId: string | null;
  reviewDue: string | null;
  /** The day it is (or, once in force, was) planned to commence; null if no start was planned. */
  plannedStart: string | null;
  plannedStartHistory: PlannedStartEntry[];
  /** The agreements this one replaces (recorded on this one); who replaced it is `supersededBy` on the view. */
  supersedes: string[];
  draftedOn: string;
  draftedPrecision: RecordedDatePrecision;
  inForceFrom: string | null;
  /** How exactly `inForceFrom` is known, and the sentence a reader sees: "in force by 24 August 2017". */
  inForcePrecision: RecordedDatePrecision | null;
  inForceSentence: string | null;
  terminatedOn: string | null;
  terminationReason: string | null;
  parties: PartyDetail[];
  /** What the source says of members it does not name; null when every member is named. */
  declaredMembership: DeclaredMembership | null;
  /** "1 of 32 members named" (the current parties of those declared); null with no declared membership. */
  membersNamed: string | null;
  hostForce: string | null;
  hostForceHistory: HostForcePeriod[];
  signatures: { party: string; signedBy: string; signedOn: string; precision: RecordedDatePrecision }[];
  approvals: { party: string; policingBody: PolicingBody; approvedOn: string; precision: RecordedDatePrecision }[];
  variations: VariationDetail[];
  reviews: { outcome: string; reviewedOn: string; nextReviewDue: string | null }[];
  /** Per financial year (`2015-16`), in pence; a later figure replaces an earlier one. */
  savings: { financialYear: string; forecastPence: number | null; realisedPence: number | null }[];
  /**
   * The latest version of the terms set (null before any); read as of a day, the version in force on it
   * (agreement-as-of.ts). Every version is in `termsHistory`, in the order set.
   */
  terms: TermsVersionDetail | null;
  termsHistory: TermsVersionDetail[];
  /** Every service line, in the order started; read as of a day, those running on it (agreement-as-of.ts). */
  serviceLines: ServiceLineDetail[];
}

export const AGREEMENT_DETAIL_EVENTS = [
  'AgreementDrafted',
  'AgreementStartPlanned',
  'AgreementStartReplanned',
  'PredecessorSuperseded',
  'MembershipDeclared',
  'PartyAdded',
  'AgreementSigned',
  'PccApprovalGiven',
  'AgreementCameIntoForce',
  'DatePrecisionRecorded',
  'AgreementVaried',
  'VariationProposed',
  'VariationSigned',
  'VariationApproved',
  'VariationTookEffect',
  'VariationWithdrawn',
  'HostForceChanged',
  'PartyJoined',
  'WithdrawalNoticeGiven',
  'TermsSet',
  'ForceWithdrew',
  'AgreementReviewed',
  'AgreementTerminated',
  'ServiceLineAdded',
  'ServiceLineEnded',
  'SavingsForecast',
  'SavingsRealised',
] as const;

const newParty = (
  body: PartyRecord,
  how: PartyDetail['how'],
  on: string,
  addedPrecision: RecordedDatePrecision = 'day',
): PartyDetail => ({
  id: body.id,
  name: body.name,
  kind: body.kind,
  policingBody: body.policingBody,
  capacity: capacityOf(body),
  capacityText: capacitySentence(capacityOf(body)),
  approvalAsked: approvalAskedOf({ body, capacity: capacityOf(body) }),
  how,
  addedOn: on,
  addedPrecision,
  signedOn: null,
  signedBy: null,
  signedPrecision: null,
  approvedOn: null,
  approvedPrecision: null,
  noticeGivenOn: null,
  noticeGivenPrecision: null,
  noticeEffectiveOn: null,
  noticeOverride: null,
  withdrewOn: null,
  withdrewPrecision: null,
  withdrawalSentence: null,
  withdrawalReason: null,
  current: true,
});

/** Changes the current party `id` (the latest entry, should a body have left and joined again). */
const withParty = (detail: AgreementDetail, id: string, change: (p: PartyDetail) => PartyDetail): PartyDetail[] => {
  const index = detail.parties.findLastIndex((p) => p.id === id && p.current);
  return index < 0 ? detail.parties : detail.parties.map((p, i) => (i === index ? change(p) : p));
};

const withSavings = (
  detail: AgreementDetail,
  financialYear: string,
  figure: Partial<AgreementDetail['savings'][number]>,
) => {
  const existing = detail.savings.find((s) => s.financialYear === financialYear) ?? {
    financialYear,
    forecastPence: null,
    realisedPence: null,
  };
  return [...detail.savings.filter((s) => s.financialYear !== financialYear), { ...existing, ...figure }].sort((a, b) =>
    a.financialYear.localeCompare(b.financialYear),
  );
};

/** The one way a terms version joins the detail: a `TermsSet`, or a variation taking effect. */
const withTermsVersion = (detail: AgreementDetail, version: TermsVersionDetail): AgreementDetail => ({
  ...detail,
  terms: version,
  termsHistory: [...detail.termsHistory, version],
});

/** Who a pending variation still waits for, of the current parties (recomputed as parties join and leave). */
const awaiting = (detail: AgreementDetail): AgreementDetail => {
  const current = detail.parties.filter((p) => p.current);
  return {
    ...detail,
    variations: detail.variations.map((v) =>
      v.status !== 'pending'
        ? { ...v, awaitingSignature: [], awaitingApproval: [] }
        : {
            ...v,
            awaitingSignature: current.filter((p) => !v.signatures.some((s) => s.party === p.id)).map((p) => p.id),
            awaitingApproval: current
              .filter((p) => p.approvalAsked && !v.approvals.some((a) => a.party === p.id))
              .map((p) => p.id),
          },
    ),
  };
};

const withVariation = (
  detail: AgreementDetail,
  variationId: string,
  change: (variation: VariationDetail) => VariationDetail,
): AgreementDetail =>
  awaiting({
    ...detail,
    variations: detail.variations.map((v) => (v.kind === 'terms' && v.variationId === variationId ? change(v) : v)),
  });

const withInForce = (detail: AgreementDetail, precision: RecordedDatePrecision): AgreementDetail => ({
  ...detail,
  inForcePrecision: precision,
  inForceSentence: detail.inForceFrom === null ? null : inForceSentence({ date: detail.inForceFrom, precision }),
});

/** The precision of recorded dates, stated afterwards (DatePrecisionRecorded): no date moves. */
function withDatePrecision(
  detail: AgreementDetail,
  { facts, precision }: DatePrecisionRecorded['data'],
): AgreementDetail {
  let next = detail;
  for (const { fact, party } of facts) {
    if (fact === 'drafted') next = { ...next, draftedPrecision: precision };
    else if (fact === 'in-force' && next.inForceFrom !== null) next = withInForce(next, precision);
    else if (fact === 'signed' && party !== null) {
      next = {
        ...next,
        parties: withParty(next, party, (p) => (p.signedOn === null ? p : { ...p, signedPrecision: precision })),
        signatures: next.signatures.map((s) => (s.party === party ? { ...s, precision } : s)),
      };
    } else if (fact === 'joined' && party !== null) {
      next = {
        ...next,
        parties: withParty(next, party, (p) => (p.how === 'joined' ? { ...p, addedPrecision: precision } : p)),
      };
    } else if (fact === 'left' && party !== null) {
      // The party's latest withdrawal.
      const index = next.parties.findLastIndex((p) => p.id === party && p.withdrewOn !== null);
      next = {
        ...next,
        parties: next.parties.map((p, i) =>
          i === index && p.withdrewOn !== null
            ? {
                ...p,
                withdrewPrecision: precision,
                withdrawalSentence: leftSentence({ date: p.withdrewOn, precision }),
              }
            : p,
        ),
      };
    } else if (fact === 'approved' && party !== null) {
      next = {
        ...next,
        parties: withParty(next, party, (p) => (p.approvedOn === null ? p : { ...p, approvedPrecision: precision })),
        approvals: next.approvals.map((a) => (a.party === party ? { ...a, precision } : a)),
      };
    }
  }
  return next;
}

/** The detail document after one event: pure, so it is tested without a database. */
export function evolveAgreementDetail(detail: AgreementDetail | null, event: StoredEvent): AgreementDetail | null {
  const after = evolveDetail(detail, event);
  if (after === null || !['MembershipDeclared', 'PartyAdded', 'PartyJoined', 'ForceWithdrew'].includes(event.type)) {
    return after;
  }
  // Joining or leaving changes who a pending variation waits for, and how many of those declared are named.
  const named = after.parties.filter((p) => p.current).length;
  return { ...awaiting(after), membersNamed: namedSentence(named, after.declaredMembership) };
}

function evolveDetail(detail: AgreementDetail | null, event: StoredEvent): AgreementDetail | null {
  const on = dayOf(event);
  if (event.type === 'AgreementDrafted') {
    const data = upcastAgreementDrafted(dataOf<AgreementDrafted>(event));
    return {
      agreementId: data.agreementId,
      title: data.title,
      legalBasis: data.legalBasis,
      scope: data.scope,
      businessArea: data.businessArea,
      deliveryModel: data.deliveryModel,
      status: 'drafted',
      parentId: data.parentAgreementId,
      reviewDue: data.reviewDue,
      plannedStart: null,
      plannedStartHistory: [],
      supersedes: [],
      draftedOn: on,
      draftedPrecision: 'day',
      inForceFrom: null,
      inForcePrecision: null,
      inForceSentence: null,
      terminatedOn: null,
      terminationReason: null,
      parties: data.parties.map((party) => newParty(party, 'original', on)),
      declaredMembership: null,
      membersNamed: null,
      hostForce: data.hostForce,
      hostForceHistory: data.hostForce ? [{ hostForce: data.hostForce, from: on, until: null }] : [],
      signatures: [],
      approvals: [],
      variations: [],
      reviews: [],
      savings: [],
      terms: null,
      termsHistory: [],
      serviceLines: [],
    };
  }
  if (detail === null) return null;
  switch (event.type) {
    case 'AgreementStartPlanned':
    case 'AgreementStartReplanned': {
      const { plannedStart } = dataOf<AgreementStartPlanned>(event);
      const reason = event.type === 'AgreementStartReplanned' ? dataOf<AgreementStartReplanned>(event).reason : null;
      const entry = { plannedStart, plannedOn: on, reason, recordedBy: displayActorText(event.actor) };
      return { ...detail, plannedStart, plannedStartHistory: [...detail.plannedStartHistory, entry] };
    }
    case 'PredecessorSuperseded':
      return {
        ...detail,
        supersedes: [...detail.supersedes, dataOf<PredecessorSuperseded>(event).supersededAgreementId],
      };
    case 'MembershipDeclared': {
      const { description, count } = dataOf<MembershipDeclared>(event);
      return { ...detail, declaredMembership: { description, count } };
    }
    case 'PartyAdded':
      return { ...detail, parties: [...detail.parties, newParty(dataOf<PartyAdded>(event).party, 'original', on)] };
    case 'PartyJoined': {
      const data = dataOf<PartyJoined>(event);
      return { ...detail, parties: [...detail.parties, newParty(data.party, 'joined', on, precisionOf(data))] };
    }
    case 'AgreementSigned': {
      const data = dataOf<AgreementSigned>(event);
      const { party, signedBy } = data;
      const precision = precisionOf(data);
      return {
        ...detail,
        parties: withParty(detail, party, (p) => ({ ...p, signedOn: on, signedBy, signedPrecision: precision })),
        signatures: [...detail.signatures, { party, signedBy, signedOn: on, precision }],
      };
    }
    case 'PccApprovalGiven': {
      const data = dataOf<PccApprovalGiven>(event);
      const { party, policingBody } = data;
      const precision = precisionOf(data);
      return {
        ...detail,
        parties: withParty(detail, party, (p) => ({ ...p, approvedOn: on, approvedPrecision: precision })),
        approvals: [...detail.approvals, { party, policingBody, approvedOn: on, precision }],
      };
    }
    case 'AgreementCameIntoForce':
      return withInForce(
        { ...detail, status: 'in-force', inForceFrom: on },
        precisionOf(dataOf<AgreementCameIntoForce>(event)),
      );
    case 'DatePrecisionRecorded':
      return withDatePrecision(detail, dataOf<DatePrecisionRecorded>(event));
    case 'AgreementVaried': {
      const note: VariationDetail = {
        kind: 'note',
        variationId: null,
        summary: dataOf<AgreementVaried>(event).summary,
        status: 'effective',
        proposedOn: on,
        recordedBy: displayActorText(event.actor),
        variedOn: on,
        proposedTerms: null,
        effectiveFrom: null,
        termsVersion: null,
        signatures: [],
        approvals: [],
        awaitingSignature: [],
        awaitingApproval: [],
        withdrawnOn: null,
        withdrawalReason: null,
      };
      return { ...detail, variations: [...detail.variations, note] };
    }
    case 'VariationProposed': {
      const { variationId, summary, proposedTerms, effectiveFrom } = dataOf<VariationProposed>(event);
      const proposal: VariationDetail = {
        kind: 'terms',
        variationId,
        summary,
        status: 'pending',
        proposedOn: on,
        recordedBy: displayActorText(event.actor),
        variedOn: null,
        proposedTerms,
        effectiveFrom,
        termsVersion: null,
        signatures: [],
        approvals: [],
        awaitingSignature: [],
        awaitingApproval: [],
        withdrawnOn: null,
        withdrawalReason: null,
      };
      return awaiting({ ...detail, variations: [...detail.variations, proposal] });
    }
    case 'VariationSigned': {
      const { variationId, party, signedBy } = dataOf<VariationSigned>(event);
      return withVariation(detail, variationId, (v) => ({
        ...v,
        signatures: [...v.signatures, { party, signedBy, signedOn: on }],
      }));
    }
    case 'VariationApproved': {
      const { variationId, party, policingBody } = dataOf<VariationApproved>(event);
      return withVariation(detail, variationId, (v) => ({
        ...v,
        approvals: [...v.approvals, { party, policingBody, approvedOn: on }],
      }));
    }
    case 'VariationTookEffect': {
      const { variationId, termsVersion, effectiveFrom } = dataOf<VariationTookEffect>(event);
      const variation = detail.variations.find((v) => v.kind === 'terms' && v.variationId === variationId);
      if (!variation?.proposedTerms) return detail;
      const effective = withVariation(detail, variationId, (v) => ({
        ...v,
        status: 'effective',
        variedOn: on,
        effectiveFrom,
        termsVersion,
      }));
      return withTermsVersion(effective, {
        termsVersion,
        effectiveFrom,
        setOn: on,
        recordedBy: displayActorText(event.actor),
        terms: variation.proposedTerms,
      });
    }
    case 'VariationWithdrawn': {
      const { variationId, reason } = dataOf<VariationWithdrawn>(event);
      return withVariation(detail, variationId, (v) => ({
        ...v,
        status: 'withdrawn',
        withdrawnOn: on,
        withdrawalReason: reason,
      }));
    }
    case 'HostForceChanged': {
      const { to } = dataOf<HostForceChanged>(event);
      const closed = detail.hostForceHistory.map((period) =>
        period.until === null ? { ...period, until: on } : period,
      );
      return { ...detail, hostForce: to, hostForceHistory: [...closed, { hostForce: to, from: on, until: null }] };
    }
    case 'WithdrawalNoticeGiven': {
      const { party, effectiveOn, override, datePrecision } = upcastWithdrawalNoticeGiven(
        dataOf<WithdrawalNoticeGiven>(event),
      );
      return {
        ...detail,
        parties: withParty(detail, party, (p) => ({
          ...p,
          noticeGivenOn: on,
          noticeGivenPrecision: datePrecision,
          noticeEffectiveOn: effectiveOn,
          noticeOverride: override,
        })),
      };
    }
    case 'TermsSet': {
      const { termsVersion, effectiveFrom, terms } = dataOf<TermsSet>(event);
      return withTermsVersion(detail, {
        termsVersion,
        effectiveFrom,
        setOn: on,
        recordedBy: displayActorText(event.actor),
        terms,
      });
    }
    case 'ForceWithdrew': {
      const { party, reason, datePrecision } = upcastForceWithdrew(dataOf<ForceWithdrew>(event));
      return {
        ...detail,
        parties: withParty(detail, party, (p) => ({
          ...p,
          withdrewOn: on,
          withdrewPrecision: datePrecision,
          withdrawalSentence: leftSentence({ date: on, precision: datePrecision }),
          withdrawalReason: reason,
          current: false,
        })),
      };
    }
    case 'AgreementReviewed': {
      const { outcome, nextReviewDue } = dataOf<AgreementReviewed>(event);
      return {
        ...detail,
        reviewDue: nextReviewDue,
        reviews: [...detail.reviews, { outcome, reviewedOn: on, nextReviewDue }],
      };
    }
    case 'AgreementTerminated': {
      const { reason } = dataOf<AgreementTerminated>(event);
      return {
        ...detail,
        status: 'terminated',
        terminatedOn: on,
        terminationReason: reason,
        serviceLines: detail.serviceLines.map((line) =>
          line.until === null ? { ...line, until: on, endReason: reason } : line,
        ),
      };
    }
    case 'ServiceLineAdded': {
      const { serviceLineId, name } = dataOf<ServiceLineAdded>(event);
      const line = { serviceLineId, name, from: on, until: null, endReason: null };
      return { ...detail, serviceLines: [...detail.serviceLines, line] };
    }
    case 'ServiceLineEnded': {
      const { serviceLineId, reason } = dataOf<ServiceLineEnded>(event);
      return {
        ...detail,
        serviceLines: detail.serviceLines.map((line) =>
          line.serviceLineId === serviceLineId && line.until === null
            ? { ...line, until: on, endReason: reason }
            : line,
        ),
      };
    }
    case 'SavingsForecast': {
      const { financialYear, amountPence } = dataOf<SavingsForecast>(event);
      return { ...detail, savings: withSavings(detail, financialYear, { forecastPence: amountPence }) };
    }
    case 'SavingsRealised': {
      const { financialYear, amountPence } = dataOf<SavingsRealised>(event);
      return { ...detail, savings: withSavings(detail, financialYear, { realisedPence: amountPence }) };
    }
    default:
      return detail;
  }
}

/** One document per agreement (GET /agreements/:id without asOf/knownAt). */
export const agreementDetailProjection: SqlProjection = {
  name: 'agreement-detail',
  // 2: the legal basis and the scope separate (issue 15); 3: the planned start and its history, and what each
  // agreement supersedes; 4: the terms and their history, and notice overrides (issue 15 items 1 and 5); 5: service
  // lines (issue 15 item 3), or (on a branch merged with it) variations of the terms with their status, signatures,
  // approvals and who is awaited (s23C(4)); 6: both; 7: how exactly each date is known, and the in-force sentence
  // (issue 15, "Guessed dates shown as facts"); 8: how exactly each withdrawal and notice of it is known, with the
  // withdrawal's sentence (issue 15, leaving with its precision), and each party's capacity, whether approval is
  // asked of it, and a declared membership (issue 15 item 7). Rebuilt from the log on upgrade.
  version: 8,
  handles: AGREEMENT_DETAIL_EVENTS,
  tables: ['agreement_detail'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('agreement_detail')} (
      agreement_id text PRIMARY KEY,
      detail jsonb NOT NULL
    );
  `,
  async apply({ tx, t }, event) {
    const agreementId = (event.data as { agreementId: string }).agreementId;
    const table = t('agreement_detail');
    let before: AgreementDetail | null = null;
    if (event.type !== 'AgreementDrafted') {
      const { rows } = await tx.query<{ detail: AgreementDetail }>(
        `SELECT detail FROM ${table} WHERE agreement_id = $1`,
        [agreementId],
      );
      before = rows[0]?.detail ?? null;
    }
    const after = evolveAgreementDetail(before, event);
    if (after === null || after === before) return;
    await tx.query(
      `INSERT INTO ${table} (agreement_id, detail) VALUES ($1, $2::jsonb)
       ON CONFLICT (agreement_id) DO UPDATE SET detail = EXCLUDED.detail`,
      [agreementId, JSON.stringify(after)],
    );
  },
  async applyBatch({ tx, t }, events) {
    const table = t('agreement_detail');
    const changed = await foldAgreementRows(
      events,
      async (ids) => {
        const rows = await rowsByIds<{ agreement_id: string; detail: AgreementDetail }>(
          tx,
          table,
          'agreement_id, detail',
          'agreement_id',
          ids,
        );
        return new Map(rows.map((row) => [row.agreement_id, row.detail]));
      },
      evolveAgreementDetail,
    );
    const rows = changed.map((detail) => ({ agreement_id: detail.agreementId, detail }));
    await writeRows(
      tx,
      table,
      [
        ['agreement_id', 'text'],
        ['detail', 'jsonb'],
      ],
      ['agreement_id'],
      rows,
      'update',
    );
  },
};
