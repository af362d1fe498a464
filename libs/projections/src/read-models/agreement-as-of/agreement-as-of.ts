import {
  agreementStreamId,
  evolveAgreement,
  initialAgreementState,
  isAgreementEvent,
  type AgreementEvent,
  type AgreementState,
  type BodyKind,
  type PolicingBody,
} from '#domain';
import type { EventStore, Position } from '#event-store';
import { endOf } from '../shared.js';

export interface AgreementView {
  agreementId: string;
  title: string;
  legalBasis: string | null;
  businessArea: string;
  deliveryModel: string | null;
  status: 'drafted' | 'in-force' | 'terminated';
  parentId: string | null;
  hostForce: string | null;
  reviewDue: string | null;
  lastReviewedOn: string | null;
  draftedOn: string | null;
  inForceFrom: string | null;
  terminatedOn: string | null;
  parties: {
    id: string;
    name: string;
    kind: BodyKind;
    joinedOn: string;
    signedOn: string | null;
    signedBy: string | null;
    approvedOn: string | null;
    approvedBy: PolicingBody | null;
    notice: { givenOn: string; effectiveOn: string } | null;
  }[];
  formerParties: { id: string; name: string; joinedOn: string; leftOn: string; reason: string | null }[];
  savings: { financialYear: string; forecastPence: number | null; realisedPence: number | null }[];
}

export interface AgreementAsOf {
  /** Valid time asked about (null: now, every fact). */
  asOf: string | null;
  /** Transaction time asked about (null: now, everything recorded). */
  knownAt: string | null;
  /** Facts folded into the answer, and the last of them as recorded. */
  eventsConsidered: number;
  lastPosition: Position | null;
  lastRecordedAt: string | null;
  agreement: AgreementView;
}

export const toAgreementView = (state: AgreementState): AgreementView => ({
  agreementId: state.agreementId,
  title: state.title,
  legalBasis: state.legalBasis,
  businessArea: state.businessArea,
  deliveryModel: state.deliveryModel,
  status: state.status === 'none' ? 'drafted' : state.status,
  parentId: state.parentAgreementId,
  hostForce: state.hostForce,
  reviewDue: state.reviewDue,
  lastReviewedOn: state.lastReviewedOn,
  draftedOn: state.draftedOn,
  inForceFrom: state.inForceFrom,
  terminatedOn: state.terminatedOn,
  parties: state.members.map((m) => ({
    id: m.body.id,
    name: m.body.name,
    kind: m.body.kind,
    joinedOn: m.joinedOn,
    signedOn: m.signature?.signedOn ?? null,
    signedBy: m.signature?.signedBy ?? null,
    approvedOn: m.approval?.approvedOn ?? null,
    approvedBy: m.approval?.policingBody ?? null,
    notice: m.notice,
  })),
  formerParties: state.formerMembers.map((f) => ({
    id: f.body.id,
    name: f.body.name,
    joinedOn: f.joinedOn,
    leftOn: f.leftOn,
    reason: f.reason,
  })),
  savings: [...state.savings]
    .map(([financialYear, figures]) => ({ financialYear, ...figures }))
    .sort((a, b) => a.financialYear.localeCompare(b.financialYear)),
});

/**
 * One agreement bitemporally, replayed from its own stream (the one read that folds events per
 * request: one stream is small). `knownAt` keeps what had been recorded by then (transaction
 * time), `asOf` what had happened by then (valid time); a date means the end of that day (UTC).
 * Facts are folded in the order they happened, then in the order recorded, so a late entry takes
 * its place in the past. Null when the agreement did not exist (or was not yet known) then.
 */
export async function agreementAsOf(
  store: Pick<EventStore, 'readStream'>,
  agreementId: string,
  { asOf, knownAt }: { asOf?: string | null; knownAt?: string | null } = {},
): Promise<AgreementAsOf | null> {
  const validUntil = asOf ? Date.parse(endOf(asOf)) : Infinity;
  const recordedUntil = knownAt ? Date.parse(endOf(knownAt)) : Infinity;
  const events = (await store.readStream(agreementStreamId(agreementId)))
    .filter(
      (e) => Date.parse(e.recordedAt) <= recordedUntil && Date.parse(e.occurredAt) <= validUntil && isAgreementEvent(e),
    )
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.revision - b.revision);
  const state = events.reduce((s, e) => evolveAgreement(s, e as unknown as AgreementEvent), initialAgreementState());
  if (state.status === 'none') return null;
  const [first] = events;
  // A state other than 'none' was folded from at least one event.
  if (!first) throw new Error(`Agreement ${agreementId} has a state but no events.`);
  const lastRecorded = events.reduce((latest, e) => (e.revision > latest.revision ? e : latest), first);
  return {
    asOf: asOf ?? null,
    knownAt: knownAt ?? null,
    eventsConsidered: events.length,
    lastPosition: lastRecorded.position,
    lastRecordedAt: lastRecorded.recordedAt,
    agreement: toAgreementView(state),
  };
}
