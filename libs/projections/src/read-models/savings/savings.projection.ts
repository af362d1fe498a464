import type { AgreementDrafted, PartyAdded, PartyJoined, SavingsForecast, SavingsRealised } from '#domain';
import type { SqlProjection } from '../../sql-projection.js';
import { dataOf } from '../shared.js';

export const SAVINGS_EVENTS = ['AgreementDrafted', 'PartyAdded', 'PartyJoined', 'SavingsForecast', 'SavingsRealised'] as const;

/**
 * Savings per agreement and financial year (pence; a later figure for a year replaces the earlier
 * one), and every body that has been party to each agreement, to total savings by region.
 */
export const savingsProjection: SqlProjection = {
  name: 'savings',
  version: 1,
  handles: SAVINGS_EVENTS,
  tables: ['savings', 'savings_agreements', 'savings_parties'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('savings')} (
      agreement_id text NOT NULL,
      financial_year text NOT NULL,
      forecast_pence bigint,
      realised_pence bigint,
      PRIMARY KEY (agreement_id, financial_year)
    );
    CREATE TABLE IF NOT EXISTS ${t('savings_agreements')} (
      agreement_id text PRIMARY KEY,
      title text NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${t('savings_parties')} (
      agreement_id text NOT NULL,
      body_id text NOT NULL,
      PRIMARY KEY (agreement_id, body_id)
    );
  `,
  async apply({ tx, t }, event) {
    const party = (agreementId: string, bodyId: string) =>
      tx.query(`INSERT INTO ${t('savings_parties')} (agreement_id, body_id) VALUES ($1, $2) ON CONFLICT (agreement_id, body_id) DO NOTHING`, [
        agreementId,
        bodyId,
      ]);
    switch (event.type) {
      case 'AgreementDrafted': {
        const { agreementId, title, parties } = dataOf<AgreementDrafted>(event);
        await tx.query(`INSERT INTO ${t('savings_agreements')} (agreement_id, title) VALUES ($1, $2) ON CONFLICT (agreement_id) DO NOTHING`, [
          agreementId,
          title,
        ]);
        for (const p of parties) await party(agreementId, p.id);
        return;
      }
      case 'PartyAdded':
      case 'PartyJoined': {
        const { agreementId, party: body } = dataOf<PartyAdded | PartyJoined>(event);
        await party(agreementId, body.id);
        return;
      }
      case 'SavingsForecast':
      case 'SavingsRealised': {
        const { agreementId, financialYear, amountPence } = dataOf<SavingsForecast | SavingsRealised>(event);
        const column = event.type === 'SavingsForecast' ? 'forecast_pence' : 'realised_pence';
        await tx.query(
          `INSERT INTO ${t('savings')} (agreement_id, financial_year, ${column}) VALUES ($1, $2, $3::bigint)
           ON CONFLICT (agreement_id, financial_year) DO UPDATE SET ${column} = EXCLUDED.${column}`,
          [agreementId, financialYear, amountPence],
        );
        return;
      }
    }
  },
};
