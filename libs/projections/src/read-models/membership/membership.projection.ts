import type { AgreementCameIntoForce, AgreementDrafted, ForceWithdrew, PartyJoined } from '#domain';
import type { SqlProjection } from '../../sql-projection.js';
import { dataOf, dayOf } from '../shared.js';

/**
 * Who belonged to which agreement when, as intervals of valid time: a body is a member on day d
 * when `valid_from <= d` and (`valid_to` is null or `d < valid_to`).
 *
 * Membership starts when the collaboration takes effect, not when it is drafted: for the parties
 * of the draft, the day the agreement came into force (a draft binds nobody: it may never be
 * signed); for a body that joins an agreement in force, the day it joined. It ends on the day the party withdrew or the agreement was terminated (that day
 * it is no longer a member). A body that withdraws and joins again has two intervals.
 */
export const MEMBERSHIP_EVENTS = ['AgreementDrafted', 'AgreementCameIntoForce', 'PartyJoined', 'ForceWithdrew', 'AgreementTerminated'] as const;

export const membershipProjection: SqlProjection = {
  name: 'membership',
  version: 1,
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
      legal_basis text NOT NULL,
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
        const { title, legalBasis, businessArea } = dataOf<AgreementDrafted>(event);
        await tx.query(
          `INSERT INTO ${t('membership_agreements')} (agreement_id, title, legal_basis, business_area) VALUES ($1, $2, $3, $4)
           ON CONFLICT (agreement_id) DO NOTHING`,
          [agreementId, title, legalBasis, businessArea],
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
        await tx.query(`UPDATE ${intervals} SET valid_to = $3::date WHERE body_id = $1 AND agreement_id = $2 AND valid_to IS NULL`, [
          dataOf<ForceWithdrew>(event).party,
          agreementId,
          on,
        ]);
        return;
      case 'AgreementTerminated':
        await tx.query(`UPDATE ${intervals} SET valid_to = $2::date WHERE agreement_id = $1 AND valid_to IS NULL`, [agreementId, on]);
        return;
    }
  },
};
