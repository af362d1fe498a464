import type { AgreementCameIntoForce, AgreementDrafted, ForceWithdrew, PartyJoined } from '#domain';
import { upcastAgreementDrafted } from '#domain';
import type { StoredEvent } from '#event-store';
import type { SqlProjection } from '../../sql-projection.js';
import { rowsByIds, writeRows } from '../batch-rows.js';
import { dataOf, dayOf } from '../shared.js';

export interface MembershipRow {
  body_id: string;
  agreement_id: string;
  valid_from: string;
  valid_to: string | null;
}

/**
 * Who belonged to which agreement when, as intervals of valid time: a body is a member on day d
 * when `valid_from <= d` and (`valid_to` is null or `d < valid_to`).
 *
 * Membership starts when the collaboration takes effect, not when it is drafted: for the parties
 * of the draft, the day the agreement came into force (a draft binds nobody: it may never be
 * signed); for a body that joins an agreement in force, the day it joined. It ends on the day the party withdrew or the agreement was terminated (that day
 * it is no longer a member). A body that withdraws and joins again has two intervals.
 */
export const MEMBERSHIP_EVENTS = [
  'AgreementDrafted',
  'AgreementCameIntoForce',
  'PartyJoined',
  'ForceWithdrew',
  'AgreementTerminated',
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
  const open = (bodyId: string): void => {
    let interval = intervals.find((i) => i.body_id === bodyId && i.valid_from === on);
    if (interval) interval.valid_to = null;
    else {
      interval = { body_id: bodyId, agreement_id: agreementId, valid_from: on, valid_to: null };
      intervals.push(interval);
    }
    changed.add(interval);
  };
  const close = (matches: (interval: MembershipRow) => boolean): void => {
    for (const interval of intervals) {
      if (interval.valid_to === null && matches(interval)) {
        interval.valid_to = on;
        changed.add(interval);
      }
    }
  };
  switch (event.type) {
    case 'AgreementCameIntoForce':
      for (const party of dataOf<AgreementCameIntoForce>(event).parties) open(party);
      return;
    case 'PartyJoined':
      open(dataOf<PartyJoined>(event).party.id);
      return;
    case 'ForceWithdrew': {
      const party = dataOf<ForceWithdrew>(event).party;
      close((interval) => interval.body_id === party);
      return;
    }
    case 'AgreementTerminated':
      close(() => true);
      return;
  }
}

export const membershipProjection: SqlProjection = {
  name: 'membership',
  // 2: the agreements' legal basis (nullable) and scope apart (issue 15); rebuilt from the log on upgrade.
  version: 2,
  handles: MEMBERSHIP_EVENTS,
  tables: ['membership_intervals', 'membership_agreements'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('membership_intervals')} (
      body_id text NOT NULL,
      agreement_id text NOT NULL,
      valid_from date NOT NULL,
      valid_to date,
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
  `,
  async apply({ tx, t }, event) {
    const intervals = t('membership_intervals');
    const agreementId = (event.data as { agreementId: string }).agreementId;
    const on = dayOf(event);
    const open = async (bodyId: string): Promise<void> => {
      await tx.query(
        `INSERT INTO ${intervals} (body_id, agreement_id, valid_from, valid_to) VALUES ($1, $2, $3::date, NULL)
         ON CONFLICT (body_id, agreement_id, valid_from) DO UPDATE SET valid_to = NULL`,
        [bodyId, agreementId, on],
      );
    };
    switch (event.type) {
      case 'AgreementDrafted': {
        const { title, legalBasis, scope, businessArea } = upcastAgreementDrafted(dataOf<AgreementDrafted>(event));
        await tx.query(
          `INSERT INTO ${t('membership_agreements')} (agreement_id, title, legal_basis, scope, business_area) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (agreement_id) DO NOTHING`,
          [agreementId, title, legalBasis, scope, businessArea],
        );
        return;
      }
      case 'AgreementCameIntoForce':
        for (const party of dataOf<AgreementCameIntoForce>(event).parties) await open(party);
        return;
      case 'PartyJoined':
        await open(dataOf<PartyJoined>(event).party.id);
        return;
      case 'ForceWithdrew':
        await tx.query(
          `UPDATE ${intervals} SET valid_to = $3::date WHERE body_id = $1 AND agreement_id = $2 AND valid_to IS NULL`,
          [dataOf<ForceWithdrew>(event).party, agreementId, on],
        );
        return;
      case 'AgreementTerminated':
        await tx.query(`UPDATE ${intervals} SET valid_to = $2::date WHERE agreement_id = $1 AND valid_to IS NULL`, [
          agreementId,
          on,
        ]);
        return;
    }
  },
  async applyBatch({ tx, t }, events) {
    const intervalsTable = t('membership_intervals');
    const agreements: Record<string, unknown>[] = [];
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
      'body_id, agreement_id, valid_from, valid_to',
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
      intervalsTable,
      [
        ['body_id', 'text'],
        ['agreement_id', 'text'],
        ['valid_from', 'date'],
        ['valid_to', 'date'],
      ],
      ['body_id', 'agreement_id', 'valid_from'],
      [...dirty],
      'update',
    );
  },
};
