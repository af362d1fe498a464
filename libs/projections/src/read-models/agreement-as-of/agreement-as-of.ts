import {
  agreementStreamId,
  dateWindow,
  hadHappenedBy,
  isAgreementEvent,
  isRunningOn,
  longDate,
  precisionOf,
  termsInForceOn,
  toCalendarDate,
  type DatePrecisionRecorded,
  type RecordedDatePrecision,
} from '#domain';
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
  /**
   * In force on the day asked (`replay.asOf`, or today without it): true, false, or null when the record cannot
   * tell (issue 15: a commencement known only "on or before" a later day, or only to its month or year, and the day
   * asked falls in that window). `inForceKnown` is false exactly when `inForce` is null, and `inForceNote` says why.
   * For a day-precision record it is the status the replay gives (`status === 'in-force'`).
   */
  inForce: boolean | null;
  inForceKnown: boolean;
  inForceNote: string | null;
  replay: AgreementReplay | null;
}

export type InForceAnswer = Pick<AgreementView, 'inForce' | 'inForceKnown' | 'inForceNote'>;

/**
 * Was the agreement in force on `asOf` (the end of that day), by the whole record (`detail`, folded to the
 * transaction time asked, every valid time)? Its commencement's window (dates.ts, `hadHappenedBy`) decides: before it,
 * false; inside it, null (not known); after it, true until its termination.
 */
export function inForceOn(detail: AgreementDetail, asOf: string | null): InForceAnswer {
  if (asOf === null) return { inForce: detail.status === 'in-force', inForceKnown: true, inForceNote: null };
  const day = toCalendarDate(asOf);
  if (detail.inForceFrom === null) return { inForce: false, inForceKnown: true, inForceNote: null };
  const began = hadHappenedBy({ date: detail.inForceFrom, precision: detail.inForcePrecision ?? 'day' }, day);
  if (began === null) {
    return {
      inForce: null,
      inForceKnown: false,
      inForceNote:
        `The record says only that "${detail.title}" was ${detail.inForceSentence ?? `in force from ${detail.inForceFrom}`}: ` +
        `whether it was in force on ${longDate(day)} is not known.`,
    };
  }
  const ended = detail.terminatedOn !== null && detail.terminatedOn <= day;
  return { inForce: began && !ended, inForceKnown: true, inForceNote: null };
}

/**
 * The precision of each event's date, by event id: its own (`datePrecision`, version 2) or, once stated later, the
 * precision a DatePrecisionRecorded gave it (applied to the latest matching fact recorded before the statement).
 */
function precisionsOf(events: readonly StoredEvent[]): Map<string, RecordedDatePrecision> {
  const precisions = new Map<string, RecordedDatePrecision>();
  const seen: StoredEvent[] = [];
  for (const event of events) {
    if (event.type !== 'DatePrecisionRecorded') {
      if (
        ['AgreementSigned', 'PccApprovalGiven', 'AgreementCameIntoForce', 'PartyJoined', 'ForceWithdrew'].includes(
          event.type,
        )
      ) {
        precisions.set(event.eventId, precisionOf(event.data as { datePrecision?: RecordedDatePrecision }));
      }
      seen.push(event);
      continue;
    }
    const { facts, precision } = event.data as DatePrecisionRecorded['data'];
    for (const { fact, party } of facts) {
      const type = {
        drafted: 'AgreementDrafted',
        signed: 'AgreementSigned',
        approved: 'PccApprovalGiven',
        'in-force': 'AgreementCameIntoForce',
        joined: 'PartyJoined',
        left: 'ForceWithdrew',
      }[fact];
      // A PartyJoined names its party by reference, the others by id.
      const partyOf = (e: StoredEvent): string | undefined => {
        const named = (e.data as { party?: string | { id: string } }).party;
        return typeof named === 'object' ? named.id : named;
      };
      const target = seen.findLast((e) => e.type === type && (party === null || partyOf(e) === party));
      if (target) precisions.set(target.eventId, precision);
    }
  }
  return precisions;
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
      validToPrecision: i.valid_to === null ? null : (i.to_precision ?? 'day'),
      leftBy: i.valid_to === null ? null : (i.left_by ?? i.valid_to),
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
  const { full, ...view } = answer;
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
  return { ...view, supersededBy, units, ...inForceOn(full, asOf ?? null) };
}

async function replayAgreement(
  store: Pick<EventStore, 'readStream'>,
  agreementId: string,
  { asOf, knownAt }: { asOf?: string | null; knownAt?: string | null },
): Promise<(Omit<AgreementView, 'supersededBy' | 'units' | keyof InForceAnswer> & { full: AgreementDetail }) | null> {
  const recordedUntil = knownAt ? Date.parse(endOf(knownAt)) : Infinity;
  const known = (await store.readStream(agreementStreamId(agreementId))).filter(
    (e) => Date.parse(e.recordedAt) <= recordedUntil && isAgreementEvent(e),
  );
  const precisions = precisionsOf(known);
  const validUntil = asOf ? Date.parse(endOf(asOf)) : Infinity;
  const asOfDay = asOf ? toCalendarDate(endOf(asOf)) : null;
  // A fact counts as of a day once it had surely happened: the last day of its window (a month's last day; for a
  // day or "on or before" a day, that day). A statement of precision is about the record, not the world: it is
  // folded whatever the day asked, after the facts it qualifies.
  const happenedBy = (e: StoredEvent): boolean => {
    if (asOfDay === null || e.type === 'DatePrecisionRecorded') return true;
    const precision = precisions.get(e.eventId) ?? 'day';
    return precision === 'day'
      ? Date.parse(e.occurredAt) <= validUntil
      : dateWindow({ date: toCalendarDate(e.occurredAt), precision }).latest <= asOfDay;
  };
  const order = (a: StoredEvent, b: StoredEvent): number =>
    Number(a.type === 'DatePrecisionRecorded') - Number(b.type === 'DatePrecisionRecorded') ||
    Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
    a.revision - b.revision;
  const full = [...known].sort(order).reduce<AgreementDetail | null>(evolveAgreementDetail, null);
  let events = known.filter(happenedBy).sort(order);
  // Nothing had surely happened by then, but the draft's date is known only "on or before" a later day (or to its
  // month or year): the agreement may have existed, so it is answered as drafted, in force not known (inForceOn).
  const drafted = known.find((e) => e.type === 'AgreementDrafted');
  if (
    full !== null &&
    drafted !== undefined &&
    asOfDay !== null &&
    !events.some((e) => e.type === 'AgreementDrafted') &&
    hadHappenedBy({ date: toCalendarDate(drafted.occurredAt), precision: full.draftedPrecision }, asOfDay) === null
  ) {
    events = [drafted, ...events].sort(order);
  }
  const detail = events.reduce<AgreementDetail | null>(evolveAgreementDetail, null);
  const [first] = events;
  if (detail === null || full === null || !first) return null;
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
    full,
    replay: {
      asOf: asOf ?? null,
      knownAt: knownAt ?? null,
      eventsConsidered: events.length,
      lastPosition: lastRecorded.position,
      lastRecordedAt: lastRecorded.recordedAt,
    },
  };
}
