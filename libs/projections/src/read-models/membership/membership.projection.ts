import type {
  AgreementCameIntoForce,
  AgreementDrafted,
  DatePrecisionRecorded,
  ForceWithdrew,
  PartyAdded,
  PartyJoined,
  RecordedDatePrecision,
} from '#domain';
import { capacityOf, dateWindow, precisionOf, upcastAgreementDrafted, upcastForceWithdrew } from '#domain';
import type { StoredEvent } from '#event-store';
import type { ProjectionContext, SqlProjection } from '../../sql-projection.js';
import { rowsByIds, writeRows } from '../batch-rows.js';
import { dataOf, dayOf } from '../shared.js';

export interface MembershipRow {
  body_id: string;
  agreement_id: string;
  valid_from: string;
  valid_to: string | null;
  /** How exactly `valid_from` is known (issue 15): 'on-or-before' when a source says only "a member by then". */
  from_precision: RecordedDatePrecision;
  /** The first day it may have begun (null: not known, for 'on-or-before') and the day by which it surely had. */
  possible_from: string | null;
  known_from: string;
  /** What opened it: the commencement (`in-force`) or a body joining (`joined`); DatePrecisionRecorded needs it. */
  opened_by: 'in-force' | 'joined';
  /**
   * How exactly `valid_to` is known (issue 15: a withdrawal known only to its month), null while open; a termination
   * is a day. `left_by` is the day by which the body surely had left (the last day of that window; `valid_to` for a
   * day), null while open: up to it, membership may still have held.
   */
  to_precision: RecordedDatePrecision | null;
  left_by: string | null;
  /** What closed it: the body withdrawing (`withdrew`) or the termination (`terminated`); null while open. */
  closed_by: 'withdrew' | 'terminated' | null;
}

/** The window of days the interval may have ended on, from its recorded day and precision. */
const withEndPrecision = (interval: MembershipRow, precision: RecordedDatePrecision): MembershipRow =>
  interval.valid_to === null
    ? interval
    : { ...interval, to_precision: precision, left_by: dateWindow({ date: interval.valid_to, precision }).latest };

/** The window of days the interval may have begun on, from its recorded day and precision (dates.ts). */
const withPrecision = (interval: MembershipRow, precision: RecordedDatePrecision): MembershipRow => {
  const { earliest, latest } = dateWindow({ date: interval.valid_from, precision });
  return { ...interval, from_precision: precision, possible_from: earliest, known_from: latest };
};

/**
 * Who belonged to which agreement when, as intervals of valid time: a body is a member on day d
 * when `valid_from <= d` and (`valid_to` is null or `d < valid_to`).
 *
 * Membership starts when the collaboration takes effect, not when it is drafted: for the parties
 * of the draft, the day the agreement came into force (a draft binds nobody: it may never be
 * signed); for a body that joins an agreement in force, the day it joined. It ends on the day the party withdrew or the agreement was terminated (that day
 * it is no longer a member). A body that withdraws and joins again has two intervals. Its end is known as exactly
 * as the withdrawal is (`to_precision`, `left_by`; a termination is a day).
 *
 * Its start is known as exactly as the commencement or the joining is (issue 15): `known_from` is the day by which
 * the body surely was a member, `possible_from` the first day it may have been (null when not known: a register
 * page shows only "in force by" its date). Between them, membership is not known (membership.queries.ts).
 */
export const MEMBERSHIP_EVENTS = [
  'AgreementDrafted',
  'PartyAdded',
  'AgreementCameIntoForce',
  'PartyJoined',
  'ForceWithdrew',
  'AgreementTerminated',
  'DatePrecisionRecorded',
] as const;

/**
 * The membership rule above, pure: changes one agreement's `intervals` in place for one of its events and
 * adds each interval it opens or closes to `changed`. The projection folds batches with it, and the
 * bitemporal replay of an agreement (GET /agreements/:id?asOf=) folds the agreement's own events with it.
 */
export function evolveMembershipIntervals(
  intervals: MembershipRow[],
  event: StoredEvent,
  changed: Set<MembershipRow> = new Set(),
): void {
  const agreementId = (event.data as { agreementId: string }).agreementId;
  const on = dayOf(event);
  const open = (bodyId: string, precision: RecordedDatePrecision, openedBy: MembershipRow['opened_by']): void => {
    let interval = intervals.find((i) => i.body_id === bodyId && i.valid_from === on);
    if (interval) {
      Object.assign(interval, { valid_to: null, to_precision: null, left_by: null, closed_by: null });
      Object.assign(interval, withPrecision(interval, precision), { opened_by: openedBy });
    } else {
      interval = withPrecision(
        {
          body_id: bodyId,
          agreement_id: agreementId,
          valid_from: on,
          valid_to: null,
          from_precision: 'day',
          possible_from: on,
          known_from: on,
          opened_by: openedBy,
          to_precision: null,
          left_by: null,
          closed_by: null,
        },
        precision,
      );
      intervals.push(interval);
    }
    changed.add(interval);
  };
  const close = (
    matches: (interval: MembershipRow) => boolean,
    closedBy: 'withdrew' | 'terminated',
    precision: RecordedDatePrecision = 'day',
  ): void => {
    for (const interval of intervals) {
      if (interval.valid_to === null && matches(interval)) {
        interval.valid_to = on;
        Object.assign(interval, withEndPrecision(interval, precision), { closed_by: closedBy });
        changed.add(interval);
      }
    }
  };
  switch (event.type) {
    case 'AgreementCameIntoForce': {
      const data = dataOf<AgreementCameIntoForce>(event);
      for (const party of data.parties) open(party, precisionOf(data), 'in-force');
      return;
    }
    case 'PartyJoined': {
      const data = dataOf<PartyJoined>(event);
      open(data.party.id, precisionOf(data), 'joined');
      return;
    }
    case 'DatePrecisionRecorded': {
      const { facts, precision } = dataOf<DatePrecisionRecorded>(event);
      const latest = (matches: (interval: MembershipRow) => boolean): MembershipRow | undefined =>
        intervals
          .filter(matches)
          .sort((a, b) => a.valid_from.localeCompare(b.valid_from))
          .at(-1);
      for (const { fact, party } of facts) {
        if (fact === 'in-force') {
          // The commencement's precision is the start of every interval it opened.
          for (const interval of intervals) {
            if (interval.opened_by !== 'in-force') continue;
            Object.assign(interval, withPrecision(interval, precision));
            changed.add(interval);
          }
        } else if (fact === 'joined') {
          // A current party's joining: its open interval.
          const interval = latest((i) => i.body_id === party && i.opened_by === 'joined' && i.valid_to === null);
          if (interval) changed.add(Object.assign(interval, withPrecision(interval, precision)));
        } else if (fact === 'left') {
          // A party's latest withdrawal.
          const interval = latest((i) => i.body_id === party && i.closed_by === 'withdrew');
          if (interval) changed.add(Object.assign(interval, withEndPrecision(interval, precision)));
        }
      }
      return;
    }
    case 'ForceWithdrew': {
      const { party, datePrecision } = upcastForceWithdrew(dataOf<ForceWithdrew>(event));
      close((interval) => interval.body_id === party, 'withdrew', datePrecision);
      return;
    }
    case 'AgreementTerminated':
      close(() => true, 'terminated');
      return;
  }
}

export const membershipProjection: SqlProjection = {
  name: 'membership',
  // 2: the agreements' legal basis (nullable) and scope apart (issue 15); 3: the precision of each interval's start
  // (issue 15, "Guessed dates shown as facts"); 4: the precision of each interval's end and what closed it (issue 15,
  // leaving with its precision), and the capacity each party acts in (membership_parties, issue 15 item 7). Rebuilt
  // from the log on upgrade.
  version: 4,
  handles: MEMBERSHIP_EVENTS,
  tables: ['membership_intervals', 'membership_agreements', 'membership_parties'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('membership_intervals')} (
      body_id text NOT NULL,
      agreement_id text NOT NULL,
      valid_from date NOT NULL,
      valid_to date,
      from_precision text NOT NULL DEFAULT 'day',
      possible_from date,
      known_from date NOT NULL,
      opened_by text NOT NULL DEFAULT 'in-force',
      to_precision text,
      left_by date,
      closed_by text,
      PRIMARY KEY (body_id, agreement_id, valid_from)
    );
    CREATE INDEX IF NOT EXISTS ${t('membership_intervals')}_agreement_idx ON ${t('membership_intervals')} (agreement_id);
    CREATE TABLE IF NOT EXISTS ${t('membership_agreements')} (
      agreement_id text PRIMARY KEY,
      title text NOT NULL,
      legal_basis text,
      scope text,
      business_area text NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${t('membership_parties')} (
      agreement_id text NOT NULL,
      body_id text NOT NULL,
      capacity text,
      PRIMARY KEY (agreement_id, body_id)
    );
  `,
  // One event is a batch of one: the same fold (evolveMembershipIntervals) either way.
  async apply(ctx, event) {
    await applyMembershipBatch(ctx, [event]);
  },
  applyBatch: (ctx, events) => applyMembershipBatch(ctx, events),
};

async function applyMembershipBatch({ tx, t }: ProjectionContext, events: readonly StoredEvent[]): Promise<void> {
  const intervalsTable = t('membership_intervals');
  const agreements: Record<string, unknown>[] = [];
  const capacities = new Map<string, Record<string, unknown>>();
  const touched = new Set<string>();
  for (const event of events) {
    if (event.type !== 'AgreementDrafted') touched.add((event.data as { agreementId: string }).agreementId);
  }
  // Every interval of the agreements the batch touches (a few dozen each), folded in memory.
  const byAgreement = new Map<string, MembershipRow[]>();
  for (const id of touched) byAgreement.set(id, []);
  const loaded = await rowsByIds<MembershipRow>(
    tx,
    intervalsTable,
    'body_id, agreement_id, valid_from, valid_to, from_precision, possible_from, known_from, opened_by, ' +
      'to_precision, left_by, closed_by',
    'agreement_id',
    touched,
  );
  for (const row of loaded) byAgreement.get(row.agreement_id)?.push({ ...row });
  const dirty = new Set<MembershipRow>();
  for (const event of events) {
    const agreementId = (event.data as { agreementId: string }).agreementId;
    if (event.type === 'AgreementDrafted') {
      const { title, legalBasis, scope, businessArea } = upcastAgreementDrafted(dataOf<AgreementDrafted>(event));
      agreements.push({
        agreement_id: agreementId,
        title,
        legal_basis: legalBasis,
        scope,
        business_area: businessArea,
      });
    }
    // The capacity a party acts in, as last recorded (a body that rejoins may join in another): parties.ts.
    if (event.type === 'AgreementDrafted') {
      for (const party of upcastAgreementDrafted(dataOf<AgreementDrafted>(event)).parties) {
        capacities.set(`${agreementId} ${party.id}`, {
          agreement_id: agreementId,
          body_id: party.id,
          capacity: capacityOf(party),
        });
      }
    } else if (event.type === 'PartyAdded' || event.type === 'PartyJoined') {
      const { party } = dataOf<PartyAdded | PartyJoined>(event);
      capacities.set(`${agreementId} ${party.id}`, {
        agreement_id: agreementId,
        body_id: party.id,
        capacity: capacityOf(party),
      });
    }
    let intervals = byAgreement.get(agreementId);
    if (!intervals) byAgreement.set(agreementId, (intervals = []));
    evolveMembershipIntervals(intervals, event, dirty);
  }
  await writeRows(
    tx,
    t('membership_agreements'),
    [
      ['agreement_id', 'text'],
      ['title', 'text'],
      ['legal_basis', 'text'],
      ['scope', 'text'],
      ['business_area', 'text'],
    ],
    ['agreement_id'],
    agreements,
    'nothing',
  );
  await writeRows(
    tx,
    t('membership_parties'),
    [
      ['agreement_id', 'text'],
      ['body_id', 'text'],
      ['capacity', 'text'],
    ],
    ['agreement_id', 'body_id'],
    [...capacities.values()],
    'update',
  );
  await writeRows(
    tx,
    intervalsTable,
    [
      ['body_id', 'text'],
      ['agreement_id', 'text'],
      ['valid_from', 'date'],
      ['valid_to', 'date'],
      ['from_precision', 'text'],
      ['possible_from', 'date'],
      ['known_from', 'date'],
      ['opened_by', 'text'],
      ['to_precision', 'text'],
      ['left_by', 'date'],
      ['closed_by', 'text'],
    ],
    ['body_id', 'agreement_id', 'valid_from'],
    [...dirty],
    'update',
  );
}
