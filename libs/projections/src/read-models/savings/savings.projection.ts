import type { SavingsForecast, SavingsRealised } from '#domain';
import type { SqlProjection } from '../../sql-projection.js';
import { writeRows } from '../batch-rows.js';
import { AGREEMENT_PARTY_EVENTS, writeAgreementParties, type AgreementPartyTables } from '../agreement-parties.js';
import { dataOf } from '../shared.js';

interface SavingsRow {
  agreement_id: string;
  financial_year: string;
  forecast_pence: number | string | null;
  realised_pence: number | string | null;
}

export const SAVINGS_EVENTS = [...AGREEMENT_PARTY_EVENTS, 'SavingsForecast', 'SavingsRealised'] as const;

const TABLES: AgreementPartyTables = { agreements: 'savings_agreements', parties: 'savings_parties' };

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
  async apply(ctx, event) {
    const { tx, t } = ctx;
    switch (event.type) {
      case 'AgreementDrafted':
      case 'PartyAdded':
      case 'PartyJoined':
        await writeAgreementParties(ctx, [event], TABLES);
        return;
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
  async applyBatch(ctx, events) {
    const { tx, t } = ctx;
    const key = (agreementId: string, financialYear: string): string => JSON.stringify([agreementId, financialYear]);
    const figures = new Map<string, SavingsRow>();
    const wanted = new Map<string, [string, string]>();
    for (const event of events) {
      if (event.type === 'SavingsForecast' || event.type === 'SavingsRealised') {
        const { agreementId, financialYear } = dataOf<SavingsForecast | SavingsRealised>(event);
        wanted.set(key(agreementId, financialYear), [agreementId, financialYear]);
      }
    }
    if (wanted.size > 0) {
      const pairs = [...wanted.values()];
      const { rows } = await tx.query<SavingsRow>(
        `SELECT agreement_id, financial_year, forecast_pence, realised_pence FROM ${t('savings')}
          WHERE (agreement_id, financial_year) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [pairs.map(([a]) => a), pairs.map(([, y]) => y)],
      );
      for (const row of rows) figures.set(key(row.agreement_id, row.financial_year), row);
    }
    const dirty = new Set<SavingsRow>();
    for (const event of events) {
      switch (event.type) {
        case 'SavingsForecast':
        case 'SavingsRealised': {
          const { agreementId, financialYear, amountPence } = dataOf<SavingsForecast | SavingsRealised>(event);
          const k = key(agreementId, financialYear);
          let row = figures.get(k);
          if (!row) {
            row = {
              agreement_id: agreementId,
              financial_year: financialYear,
              forecast_pence: null,
              realised_pence: null,
            };
            figures.set(k, row);
          }
          if (event.type === 'SavingsForecast') row.forecast_pence = amountPence;
          else row.realised_pence = amountPence;
          dirty.add(row);
          break;
        }
      }
    }
    await writeAgreementParties(ctx, events, TABLES);
    await writeRows(
      tx,
      t('savings'),
      [
        ['agreement_id', 'text'],
        ['financial_year', 'text'],
        ['forecast_pence', 'bigint'],
        ['realised_pence', 'bigint'],
      ],
      ['agreement_id', 'financial_year'],
      [...dirty],
      'update',
    );
  },
};
