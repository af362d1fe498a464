import { REFERENCE_BODIES, type Region } from '#domain';
import type { SqlExecutor } from '#event-store';
import type { PageWindow } from '../shared.js';

export interface SavingsFigures {
  forecastPence: number;
  realisedPence: number;
}

export interface AgreementSavings extends SavingsFigures {
  agreementId: string;
  title: string;
  financialYear: string;
}

export interface YearSavings extends SavingsFigures {
  financialYear: string;
  agreements: number;
}

export interface RegionSavings extends SavingsFigures {
  /** A reference region, or `other` for registered bodies that have none (fire, councils, HMRC). */
  region: Region | 'other';
  agreements: number;
}

const n = (value: string | number | null): number => (value === null ? 0 : Number(value));

/**
 * Savings of each agreement per financial year (pence), by agreement then year; absent figures
 * count as 0. With `page`, the rows after `page.after` = [agreement id, financial year].
 */
export async function savingsByAgreement(
  db: SqlExecutor,
  filter: { agreementId?: string; financialYear?: string } = {},
  page?: PageWindow,
): Promise<AgreementSavings[]> {
  const { rows } = await db.query<{
    agreement_id: string;
    title: string | null;
    financial_year: string;
    forecast_pence: string | null;
    realised_pence: string | null;
  }>(
    `SELECT s.agreement_id, a.title, s.financial_year, s.forecast_pence, s.realised_pence
       FROM savings s LEFT JOIN savings_agreements a ON a.agreement_id = s.agreement_id
      WHERE ($1::text IS NULL OR s.agreement_id = $1) AND ($2::text IS NULL OR s.financial_year = $2)
        AND ($3::text IS NULL OR (s.agreement_id, s.financial_year) > ($3::text, $4::text))
      ORDER BY s.agreement_id, s.financial_year
      LIMIT $5`,
    [
      filter.agreementId ?? null,
      filter.financialYear ?? null,
      page?.after?.[0] ?? null,
      page?.after?.[1] ?? null,
      page?.limit ?? null,
    ],
  );
  return rows.map((r) => ({
    agreementId: r.agreement_id,
    title: r.title ?? r.agreement_id,
    financialYear: r.financial_year,
    forecastPence: n(r.forecast_pence),
    realisedPence: n(r.realised_pence),
  }));
}

/** Totals per financial year across every agreement. */
export async function savingsByYear(db: SqlExecutor): Promise<YearSavings[]> {
  const { rows } = await db.query<{
    financial_year: string;
    forecast: string | null;
    realised: string | null;
    agreements: string;
  }>(
    `SELECT financial_year, sum(forecast_pence)::text AS forecast, sum(realised_pence)::text AS realised, count(*)::text AS agreements
       FROM savings GROUP BY financial_year ORDER BY financial_year`,
  );
  return rows.map((r) => ({
    financialYear: r.financial_year,
    forecastPence: n(r.forecast),
    realisedPence: n(r.realised),
    agreements: n(r.agreements),
  }));
}

/**
 * Totals per region of the parties (reference data). An agreement's savings count in full in each
 * region any of its parties (present or past) belongs to: agreements do not say how savings divide
 * between forces, so the regions' totals overlap and do not add up to the national total.
 */
export async function savingsByRegion(
  db: SqlExecutor,
  filter: { financialYear?: string } = {},
): Promise<RegionSavings[]> {
  const { rows } = await db.query<{
    region: string;
    forecast: string | null;
    realised: string | null;
    agreements: string;
  }>(
    `WITH regions (body_id, region) AS (SELECT * FROM unnest($1::text[], $2::text[])),
          agreement_regions AS (
            SELECT DISTINCT p.agreement_id, coalesce(r.region, 'other') AS region
              FROM savings_parties p LEFT JOIN regions r ON r.body_id = p.body_id)
     SELECT ar.region, sum(s.forecast_pence)::text AS forecast, sum(s.realised_pence)::text AS realised,
            count(DISTINCT s.agreement_id)::text AS agreements
       FROM agreement_regions ar JOIN savings s ON s.agreement_id = ar.agreement_id
      WHERE $3::text IS NULL OR s.financial_year = $3
      GROUP BY ar.region ORDER BY ar.region`,
    [REFERENCE_BODIES.map((b) => b.id), REFERENCE_BODIES.map((b) => b.region), filter.financialYear ?? null],
  );
  return rows.map((r) => ({
    region: r.region as RegionSavings['region'],
    forecastPence: n(r.forecast),
    realisedPence: n(r.realised),
    agreements: n(r.agreements),
  }));
}
