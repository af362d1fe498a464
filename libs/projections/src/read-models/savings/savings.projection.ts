import type { AgreementDrafted, PartyAdded, PartyJoined, SavingsForecast, SavingsRealised } from '#domain';
import type { SqlProjection } from '../../sql-projection.js';
import { writeRows } from '../batch-rows.js';
import { dataOf } from '../shared.js';

interface SavingsRow {
  agreement_id: string;
  financial_year: string;
  forecast_pence: number | string | null;
  realised_pence: number | string | null;
}

export const SAVINGS_EVENTS = [
  'AgreementDrafted',
  'PartyAdded',
  'PartyJoined',
  'SavingsForecast',
  'SavingsRealised',
] as const;

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
      tx.query(
        `INSERT INTO ${t('savings_parties')} (agreement_id, body_id) VALUES ($1, $2) ON CONFLICT (agreement_id, body_id) DO NOTHING`,
        [agreementId, bodyId],
      );
    switch (event.type) {
      case 'AgreementDrafted': {
        const { agreementId, title, parties } = dataOf<AgreementDrafted>(event);
        await tx.query(
          `INSERT INTO ${t('savings_agreements')} (agreement_id, title) VALUES ($1, $2) ON CONFLICT (agreement_id) DO NOTHING`,
          [agreementId, title],
        );
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
  async applyBatch({ tx, t }, events) {
    const agreements: Record<string, unknown>[] = [];
    const parties: Record<string, unknown>[] = [];
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
        case 'AgreementDrafted': {
          const { agreementId, title, parties: drafted } = dataOf<AgreementDrafted>(event);
          agreements.push({ agreement_id: agreementId, title });
          for (const p of drafted) parties.push({ agreement_id: agreementId, body_id: p.id });
          break;
        }
        case 'PartyAdded':
        case 'PartyJoined': {
          const { agreementId, party: body } = dataOf<PartyAdded | PartyJoined>(event);
          parties.push({ agreement_id: agreementId, body_id: body.id });
          break;
        }
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
    await writeRows(
      tx,
      t('savings_agreements'),
      [
        ['agreement_id', 'text'],
        ['title', 'text'],
      ],
      ['agreement_id'],
      agreements,
      'nothing',
    );
    await writeRows(
      tx,
      t('savings_parties'),
      [
        ['agreement_id', 'text'],
        ['body_id', 'text'],
      ],
      ['agreement_id', 'body_id'],
      parties,
      'nothing',
    );
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
