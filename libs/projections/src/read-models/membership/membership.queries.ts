import {
  capacitySentence,
  joinedSentence,
  leftSentence,
  longDate,
  memberOn,
  membershipNotKnown,
  type MembershipDates,
  type PartyCapacity,
  type RecordedDatePrecision,
} from '#domain';
import type { SqlExecutor } from '#event-store';
import type { PageWindow } from '../shared.js';

export interface Collaboration {
  agreementId: string;
  title: string;
  /** Null when an old record gave only the scope. */
  legalBasis: string | null;
  scope: string | null;
  businessArea: string;
  /** The interval of membership that covers the date asked about. */
  memberFrom: string;
  memberUntil: string | null;
  /**
   * How exactly `memberFrom` is known (issue 15): the commencement's or the joining's precision. `memberPossibleFrom`
   * is the first day the membership may have begun (null: not known, for 'on-or-before'), `memberKnownFrom` the day
   * by which it surely had; they equal `memberFrom` for a day.
   */
  memberFromPrecision: RecordedDatePrecision;
  memberPossibleFrom: string | null;
  memberKnownFrom: string;
  /** "became a member by 24 August 2017", "became a member in July 2013", "became a member on 1 April 2015". */
  memberFromSentence: string;
  /**
   * How exactly `memberUntil` is known (a withdrawal known only to its month: issue 15), null while a member;
   * `memberLeftBy` the day by which it surely had left (`memberUntil` for a day), and the sentence: "left in July 2016".
   */
  memberUntilPrecision: RecordedDatePrecision | null;
  memberLeftBy: string | null;
  memberUntilSentence: string | null;
  /**
   * The capacity the body is a party in (chief officer, policing body or both: Police Act 1996 s22A), as last
   * recorded; null when not recorded, as `capacityText` says ("not recorded").
   */
  capacity: PartyCapacity | null;
  capacityText: string;
}

/** The membership's dates with their precisions, for the domain's rule (date-precision.ts, `memberOn`). */
export const membershipDates = (
  c: Pick<Collaboration, 'memberFrom' | 'memberFromPrecision' | 'memberUntil' | 'memberUntilPrecision'>,
): MembershipDates => ({
  from: { date: c.memberFrom, precision: c.memberFromPrecision },
  until: c.memberUntil === null ? null : { date: c.memberUntil, precision: c.memberUntilPrecision ?? 'day' },
});

/**
 * A collaboration as of a day: `member` is true when the body surely was a member then, null ("not known") when the
 * day falls inside the window its membership may have begun or ended in (a register page shows only "in force by"
 * its date; a withdrawal known only to its month), with the reason in `notKnownBecause`. A day-precision membership
 * is always known.
 */
export interface CollaborationOn extends Collaboration {
  member: true | null;
  memberKnown: boolean;
  notKnownBecause: string | null;
}

export function collaborationOn(c: Collaboration, asOf: string): CollaborationOn {
  const dates = membershipDates(c);
  const known = memberOn(dates, asOf) === true;
  return {
    ...c,
    member: known ? true : null,
    memberKnown: known,
    notKnownBecause: known ? null : membershipNotKnown(dates, { from: asOf, to: asOf }, `on ${longDate(asOf)}`),
  };
}

interface CollaborationRow {
  agreement_id: string;
  title: string | null;
  legal_basis: string | null;
  scope: string | null;
  business_area: string | null;
  valid_from: string;
  valid_to: string | null;
  from_precision: RecordedDatePrecision;
  possible_from: string | null;
  known_from: string;
  to_precision: RecordedDatePrecision | null;
  left_by: string | null;
  capacity: PartyCapacity | null;
}

const COLLABORATION_COLUMNS =
  'i.agreement_id, a.title, a.legal_basis, a.scope, a.business_area, i.valid_from, i.valid_to, ' +
  'i.from_precision, i.possible_from, i.known_from, i.to_precision, i.left_by, p.capacity';

/** The capacity a body is recorded in on an agreement, beside its intervals. */
const CAPACITY_JOIN = 'LEFT JOIN membership_parties p ON p.agreement_id = i.agreement_id AND p.body_id = i.body_id';

/** The fields every membership answer shares about how exactly its start is known. */
export const startPrecision = (
  validFrom: string,
  precision: RecordedDatePrecision,
  possibleFrom: string | null,
  knownFrom: string,
) => ({
  memberFromPrecision: precision,
  memberPossibleFrom: possibleFrom,
  memberKnownFrom: knownFrom,
  memberFromSentence: joinedSentence({ date: validFrom, precision }),
});

/** The fields every membership answer shares about how exactly its end is known (all null while a member). */
export const endPrecision = (
  validTo: string | null,
  precision: RecordedDatePrecision | null,
  leftBy: string | null,
) => ({
  memberUntilPrecision: validTo === null ? null : (precision ?? 'day'),
  memberLeftBy: validTo === null ? null : (leftBy ?? validTo),
  memberUntilSentence: validTo === null ? null : leftSentence({ date: validTo, precision: precision ?? 'day' }),
});

const toCollaboration = (r: CollaborationRow): Collaboration => ({
  agreementId: r.agreement_id,
  title: r.title ?? r.agreement_id,
  legalBasis: r.legal_basis,
  scope: r.scope,
  businessArea: r.business_area ?? '',
  memberFrom: r.valid_from,
  memberUntil: r.valid_to,
  ...startPrecision(r.valid_from, r.from_precision, r.possible_from, r.known_from),
  ...endPrecision(r.valid_to, r.to_precision, r.left_by),
  capacity: r.capacity,
  capacityText: capacitySentence(r.capacity),
});

/**
 * The agreements a body belonged to on `asOf` (`YYYY-MM-DD`), answered from membership intervals: those it surely
 * belonged to (`member: true`) and those it may have (`member: null`, not known: the day falls before the day by
 * which the record says it was a member, and not before the first day it may have become one; or on or after the
 * first day it may have left, and before the day by which it surely had).
 */
export async function collaborationsOf(
  db: SqlExecutor,
  bodyId: string,
  { asOf }: { asOf: string },
  page?: PageWindow,
): Promise<CollaborationOn[]> {
  const { rows } = await db.query<CollaborationRow>(
    `SELECT ${COLLABORATION_COLUMNS}
       FROM membership_intervals i LEFT JOIN membership_agreements a ON a.agreement_id = i.agreement_id
            ${CAPACITY_JOIN}
      WHERE i.body_id = $1 AND (i.possible_from IS NULL OR i.possible_from <= $2::date)
        AND (i.valid_to IS NULL OR coalesce(i.left_by, i.valid_to) > $2::date)
        AND ($3::text IS NULL OR (lower(coalesce(a.title, i.agreement_id)), i.agreement_id) >
             (lower(coalesce((SELECT m.title FROM membership_agreements m WHERE m.agreement_id = $3), $3)), $3))
      ORDER BY lower(coalesce(a.title, i.agreement_id)), i.agreement_id
      LIMIT $4`,
    [bodyId, asOf, page?.after?.[0] ?? null, page?.limit ?? null],
  );
  return rows.map((row) => collaborationOn(toCollaboration(row), asOf));
}

export interface MembershipInterval {
  bodyId: string;
  agreementId: string;
  validFrom: string;
  validTo: string | null;
  /** How exactly `validFrom` is known; `possibleFrom`/`knownFrom` as for a collaboration's start. */
  validFromPrecision: RecordedDatePrecision;
  possibleFrom: string | null;
  knownFrom: string;
  /** How exactly `validTo` is known (null while a member), and the day by which it surely had left. */
  validToPrecision: RecordedDatePrecision | null;
  leftBy: string | null;
}

/** Every membership interval of an agreement (its membership history), oldest first. */
export async function membershipOf(db: SqlExecutor, agreementId: string): Promise<MembershipInterval[]> {
  const { rows } = await db.query<{
    body_id: string;
    agreement_id: string;
    valid_from: string;
    valid_to: string | null;
    from_precision: RecordedDatePrecision;
    possible_from: string | null;
    known_from: string;
    to_precision: RecordedDatePrecision | null;
    left_by: string | null;
  }>(
    `SELECT body_id, agreement_id, valid_from, valid_to, from_precision, possible_from, known_from, to_precision, left_by
       FROM membership_intervals WHERE agreement_id = $1 ORDER BY valid_from, body_id`,
    [agreementId],
  );
  return rows.map((r) => ({
    bodyId: r.body_id,
    agreementId: r.agreement_id,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    validFromPrecision: r.from_precision,
    possibleFrom: r.possible_from,
    knownFrom: r.known_from,
    validToPrecision: r.valid_to === null ? null : (r.to_precision ?? 'day'),
    leftBy: r.valid_to === null ? null : (r.left_by ?? r.valid_to),
  }));
}

/**
 * The agreements a body belonged to, or may have (issue 15: a start known only "on or before" a later day, an end
 * known only to its month), at any time from `from` to `to` (`YYYY-MM-DD`, both included), one row per membership
 * interval whose possible days overlap the period, by title then agreement id then start.
 */
export async function collaborationsDuring(
  db: SqlExecutor,
  bodyId: string,
  { from, to }: { from: string; to: string },
): Promise<Collaboration[]> {
  const { rows } = await db.query<CollaborationRow>(
    `SELECT ${COLLABORATION_COLUMNS}
       FROM membership_intervals i LEFT JOIN membership_agreements a ON a.agreement_id = i.agreement_id
            ${CAPACITY_JOIN}
      WHERE i.body_id = $1 AND (i.possible_from IS NULL OR i.possible_from <= $3::date)
        AND (i.valid_to IS NULL OR coalesce(i.left_by, i.valid_to) > $2::date)
      ORDER BY lower(coalesce(a.title, i.agreement_id)), i.agreement_id, i.valid_from`,
    [bodyId, from, to],
  );
  return rows.map(toCollaboration);
}
