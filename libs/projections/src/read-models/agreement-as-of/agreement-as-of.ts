import { agreementStreamId, isAgreementEvent, isRunningOn, termsInForceOn, toCalendarDate } from '#domain';
import type { EventStore, Position, StoredEvent } from '#event-store';
import { evolveAgreementDetail, type AgreementDetail } from '../agreement-detail/agreement-detail.projection.js';
import { evolveMembershipIntervals, type MembershipRow } from '../membership/membership.projection.js';
import type { MembershipInterval } from '../membership/membership.queries.js';
import { endOf } from '../shared.js';

/** What a bitemporal replay was asked, and what it folded. */
export interface AgreementReplay {
  /** Valid time asked about (null: now, every fact). */
  asOf: string | null;
  /** Transaction time asked about (null: now, everything recorded). */
  knownAt: string | null;
  /** Facts folded into the answer, and the last of them as recorded. */
  eventsConsidered: number;
  lastPosition: Position | null;
  lastRecordedAt: string | null;
}

/**
 * GET /agreements/:id, with or without asOf/knownAt: one shape. The agreement as its detail read model
 * has it, its membership intervals, and `replay` (null when read from the read models as they stand now).
 */
export interface AgreementView extends AgreementDetail {
  membership: MembershipInterval[];
  /** The agreements recorded as superseding this one (the other side of their `supersedes`), by id. */
  supersededBy: string[];
  /** The agreements drafted as its units (their `parentId` is this one), by id. */
  units: string[];
  replay: AgreementReplay | null;
}

/** The membership intervals one agreement's events give, by the membership read model's own rule. */
export const membershipFrom = (events: readonly StoredEvent[]): MembershipInterval[] => {
  const intervals: MembershipRow[] = [];
  for (const event of events) evolveMembershipIntervals(intervals, event);
  return intervals
    .map((i) => ({
      bodyId: i.body_id,
      agreementId: i.agreement_id,
      validFrom: i.valid_from,
      validTo: i.valid_to,
      validFromPrecision: i.from_precision,
      possibleFrom: i.possible_from,
      knownFrom: i.known_from,
    }))
    .sort((a, b) => a.validFrom.localeCompare(b.validFrom) || a.bodyId.localeCompare(b.bodyId));
};

/**
 * One agreement bitemporally, replayed from its own stream (the one read that folds events per
 * request: one stream is small) through the same pure folds as the detail and membership read models,
 * so it answers in their shape. `knownAt` keeps what had been recorded by then (transaction time),
 * `asOf` what had happened by then (valid time); a date means the end of that day (UTC). Facts are
 * folded in the order they happened, then in the order recorded, so a late entry takes its place in
 * the past. Null when the agreement did not exist (or was not yet known) then.
 */
export async function agreementAsOf(
  store: Pick<EventStore, 'readStream'>,
  agreementId: string,
  { asOf, knownAt }: { asOf?: string | null; knownAt?: string | null } = {},
  successors: readonly string[] = [],
  unitCandidates: readonly string[] = [],
): Promise<AgreementView | null> {
  const answer = await replayAgreement(store, agreementId, { asOf, knownAt });
  if (!answer) return null;
  // The link lives on each successor's stream: a successor counts if, replayed to the same times, it supersedes
  // this one. `successors` are the candidates (those the read model knows now: a link is never taken back).
  const supersededBy: string[] = [];
  for (const successor of successors) {
    const replayed = await replayAgreement(store, successor, { asOf, knownAt });
    if (replayed?.supersedes.includes(agreementId)) supersededBy.push(successor);
  }
  // A unit counts if, replayed to the same times, it existed (a unit's parent is fixed when it is drafted).
  const units: string[] = [];
  for (const unit of unitCandidates) {
    const replayed = await replayAgreement(store, unit, { asOf, knownAt });
    if (replayed?.parentId === agreementId) units.push(unit);
  }
  return { ...answer, supersededBy, units };
}

async function replayAgreement(
  store: Pick<EventStore, 'readStream'>,
  agreementId: string,
  { asOf, knownAt }: { asOf?: string | null; knownAt?: string | null },
): Promise<Omit<AgreementView, 'supersededBy' | 'units'> | null> {
  const validUntil = asOf ? Date.parse(endOf(asOf)) : Infinity;
  const recordedUntil = knownAt ? Date.parse(endOf(knownAt)) : Infinity;
  const events = (await store.readStream(agreementStreamId(agreementId)))
    .filter(
      (e) => Date.parse(e.recordedAt) <= recordedUntil && Date.parse(e.occurredAt) <= validUntil && isAgreementEvent(e),
    )
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.revision - b.revision);
  const detail = events.reduce<AgreementDetail | null>(evolveAgreementDetail, null);
  const [first] = events;
  if (detail === null || !first) return null;
  const lastRecorded = events.reduce((latest, e) => (e.revision > latest.revision ? e : latest), first);
  return {
    ...detail,
    // As of a day, the terms are those in force on it: a version agreed by then may take effect later.
    terms: asOf ? termsInForceOn(detail.termsHistory, toCalendarDate(asOf)) : detail.terms,
    // As of a day, the service lines running on it, by the decider's own rule (service-lines.ts).
    serviceLines: asOf
      ? detail.serviceLines.filter((line) => isRunningOn(line, toCalendarDate(asOf)))
      : detail.serviceLines,
    membership: membershipFrom(events),
    replay: {
      asOf: asOf ?? null,
      knownAt: knownAt ?? null,
      eventsConsidered: events.length,
      lastPosition: lastRecorded.position,
      lastRecordedAt: lastRecorded.recordedAt,
    },
  };
}
