import {
  formatPence,
  REFERENCE_BODIES,
  type BenefitKind,
  type BenefitPeriod,
  type BenefitStatus,
  type Region,
} from '#domain';
import type { SqlExecutor } from '#event-store';
import type { PageWindow } from '../shared.js';

/** Whole pence, and the same written for people (`£8,500,000.00`). */
export interface Money {
  pence: number;
  formatted: string;
}

export interface ForecastRealised {
  forecast: Money;
  realised: Money;
}

/** One entry of the ledger as it stands, superseded or not. */
export interface LedgerEntry {
  agreementId: string;
  entryId: string;
  /** `ledger`: recorded as a benefit; `savings`: a savings figure of `POST /agreements/:id/savings`. */
  origin: 'ledger' | 'savings';
  kind: BenefitKind;
  status: BenefitStatus;
  amount: Money | null;
  description: string | null;
  measure: string | null;
  period: BenefitPeriod;
  attributedTo: string | null;
  source: string | null;
  note: string | null;
  supersedes: string | null;
  supersededBy: string | null;
  correctionReason: string | null;
  recordedAt: string;
}

export type NonCashBenefit = Pick<
  LedgerEntry,
  'agreementId' | 'entryId' | 'status' | 'description' | 'measure' | 'period' | 'attributedTo' | 'source'
>;

/** Totals of the entries that stand (a superseded entry counts no more); net is savings less costs. */
export interface BenefitTotals {
  savings: ForecastRealised;
  costs: ForecastRealised;
  net: ForecastRealised;
  nonCash: NonCashBenefit[];
  /** Entries counted (money and non-cash). */
  entries: number;
}

/**
 * Every row keeps two sets of totals that are not to be added: figures of the whole agreement or programme
 * (`wholeAgreement`) and parties' own shares (`attributed`). A share may be part of the whole figure (seed 002's
 * "£8.5m regionally, around £3m locally") or on top of it; the ledger cannot tell, so it never adds them.
 */
export interface SplitTotals {
  wholeAgreement: BenefitTotals;
  attributed: BenefitTotals;
}

export interface AgreementBenefits extends SplitTotals {
  agreementId: string;
  title: string;
  /** Every entry, the superseded ones too, oldest first: what was said, and what replaced it. */
  ledger: LedgerEntry[];
}

/**
 * A force's figures in two parts that are not to be added: its own share (`attributed`, entries attributed to it)
 * and the figures of the whole agreements it is or was party to (`wholeAgreement`, counted in full for each party).
 */
export interface ForceBenefits extends SplitTotals {
  force: string;
}

/** As for a force: shares of the region's forces, and whole agreements with a party in the region (once each). */
export interface RegionBenefits extends SplitTotals {
  region: Region | 'other';
}

/** A figure for several years is not divided between them (no source says how): its range is its own row. */
export interface PeriodBenefits extends SplitTotals {
  period: BenefitPeriod;
}

export interface BenefitsFilter {
  agreementId?: string;
  /** Entries attributed to this force, and whole-agreement entries of agreements it is or was party to. */
  force?: string;
  /** Entries whose period includes this financial year (a range counts in full). */
  financialYear?: string;
}

interface EntryRow {
  agreement_id: string;
  entry_id: string;
  origin: string;
  kind: string;
  status: string;
  amount_pence: string | null;
  description: string | null;
  measure: string | null;
  period_from: string;
  period_to: string;
  attributed_to: string | null;
  source: string | null;
  note: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  correction_reason: string | null;
  recorded_at: string;
}

const money = (pence: number): Money => ({ pence, formatted: formatPence(pence) });

const toEntry = (r: EntryRow): LedgerEntry => ({
  agreementId: r.agreement_id,
  entryId: r.entry_id,
  origin: r.origin as LedgerEntry['origin'],
  kind: r.kind as BenefitKind,
  status: r.status as BenefitStatus,
  amount: r.amount_pence === null ? null : money(Number(r.amount_pence)),
  description: r.description,
  measure: r.measure,
  period: { from: r.period_from, to: r.period_to },
  attributedTo: r.attributed_to,
  source: r.source,
  note: r.note,
  supersedes: r.supersedes,
  supersededBy: r.superseded_by,
  correctionReason: r.correction_reason,
  recordedAt: r.recorded_at,
});

/** The totals of these entries; superseded ones are left out here, whoever passes them. */
export function totalsOf(entries: readonly LedgerEntry[]): BenefitTotals {
  const standing = entries.filter((e) => e.supersededBy === null);
  const sum = (kind: BenefitKind, status: BenefitStatus): number =>
    standing
      .filter((e) => e.kind === kind && e.status === status)
      .reduce((total, e) => total + (e.amount?.pence ?? 0), 0);
  const pair = (kind: BenefitKind): ForecastRealised => ({
    forecast: money(sum(kind, 'forecast')),
    realised: money(sum(kind, 'realised')),
  });
  const savings = pair('saving');
  const costs = pair('cost');
  return {
    savings,
    costs,
    net: {
      forecast: money(savings.forecast.pence - costs.forecast.pence),
      realised: money(savings.realised.pence - costs.realised.pence),
    },
    nonCash: standing
      .filter((e) => e.kind === 'non-cash')
      .map(({ agreementId, entryId, status, description, measure, period, attributedTo, source }) => ({
        agreementId,
        entryId,
        status,
        description,
        measure,
        period,
        attributedTo,
        source,
      })),
    entries: standing.length,
  };
}

export const splitTotalsOf = (entries: readonly LedgerEntry[]): SplitTotals => ({
  wholeAgreement: totalsOf(entries.filter((e) => e.attributedTo === null)),
  attributed: totalsOf(entries.filter((e) => e.attributedTo !== null)),
});

/** The entries the filter selects (superseded ones too), oldest first. */
async function entriesOf(db: SqlExecutor, filter: BenefitsFilter): Promise<LedgerEntry[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT e.agreement_id, e.entry_id, e.origin, e.kind, e.status, e.amount_pence::text AS amount_pence,
            e.description, e.measure, e.period_from, e.period_to, e.attributed_to, e.source, e.note,
            e.supersedes, e.superseded_by, e.correction_reason, e.recorded_at
       FROM benefit_entries e
      WHERE ($1::text IS NULL OR e.agreement_id = $1)
        AND ($2::text IS NULL OR e.attributed_to = $2 OR (e.attributed_to IS NULL AND EXISTS (
              SELECT 1 FROM benefit_parties p WHERE p.agreement_id = e.agreement_id AND p.body_id = $2)))
        AND ($3::text IS NULL OR (e.period_from <= $3 AND e.period_to >= $3))
      ORDER BY e.recorded_at, e.agreement_id, e.entry_id`,
    [filter.agreementId ?? null, filter.force ?? null, filter.financialYear ?? null],
  );
  return rows.map(toEntry);
}

async function partiesOf(db: SqlExecutor, agreementIds: readonly string[]): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ agreement_id: string; body_id: string }>(
    `SELECT agreement_id, body_id FROM benefit_parties WHERE agreement_id = ANY($1::text[]) ORDER BY agreement_id, body_id`,
    [[...new Set(agreementIds)]],
  );
  const parties = new Map<string, string[]>();
  for (const r of rows) parties.set(r.agreement_id, [...(parties.get(r.agreement_id) ?? []), r.body_id]);
  return parties;
}

const groupBy = <K>(
  entries: readonly LedgerEntry[],
  keysOf: (e: LedgerEntry) => readonly K[],
): Map<K, LedgerEntry[]> => {
  const groups = new Map<K, LedgerEntry[]>();
  for (const entry of entries)
    for (const key of new Set(keysOf(entry))) groups.set(key, [...(groups.get(key) ?? []), entry]);
  return groups;
};

/** Orders keys part by part, each part by its UTF-16 code units (as `Array.prototype.sort` does). */
const compareKeys = (a: readonly string[], b: readonly string[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/**
 * The rows of `page` in `rows` (already in the order of `keyOf`): those after the cursor's key, at most
 * `page.limit`; every row without a window. The groups are built in memory from the entries, so the window is too.
 */
function windowed<Row>(rows: readonly Row[], keyOf: (row: Row) => readonly string[], page?: PageWindow): Row[] {
  if (page === undefined) return [...rows];
  const after = page.after;
  return (after === null ? [...rows] : rows.filter((row) => compareKeys(keyOf(row), after) > 0)).slice(0, page.limit);
}

/**
 * Each agreement's totals (whole and shares) and its whole ledger, by agreement id; with `page`, the agreements
 * after the cursor's agreement id.
 */
export async function benefitsByAgreement(
  db: SqlExecutor,
  filter: BenefitsFilter = {},
  page?: PageWindow,
): Promise<AgreementBenefits[]> {
  const entries = await entriesOf(db, filter);
  const groups = groupBy(entries, (e) => [e.agreementId]);
  const ids = windowed([...groups.keys()].sort(), (id) => [id], page);
  const { rows } = await db.query<{ agreement_id: string; title: string }>(
    `SELECT agreement_id, title FROM benefit_agreements WHERE agreement_id = ANY($1::text[])`,
    [ids],
  );
  const titles = new Map(rows.map((r) => [r.agreement_id, r.title]));
  return ids.map((agreementId) => {
    const ledger = groups.get(agreementId) ?? [];
    return { agreementId, title: titles.get(agreementId) ?? agreementId, ...splitTotalsOf(ledger), ledger };
  });
}

/** Each force's own share and the whole agreements it is or was party to, by force id (`page`: after a force id). */
export async function benefitsByForce(
  db: SqlExecutor,
  filter: BenefitsFilter = {},
  page?: PageWindow,
): Promise<ForceBenefits[]> {
  const entries = await entriesOf(db, filter);
  const parties = await partiesOf(
    db,
    entries.map((e) => e.agreementId),
  );
  const attributed = groupBy(entries, (e) => (e.attributedTo === null ? [] : [e.attributedTo]));
  const whole = groupBy(entries, (e) => (e.attributedTo === null ? (parties.get(e.agreementId) ?? []) : []));
  const forces = windowed(
    [...new Set([...attributed.keys(), ...whole.keys()])]
      .filter((force) => filter.force === undefined || force === filter.force)
      .sort(),
    (force) => [force],
    page,
  );
  return forces.map((force) => ({
    force,
    attributed: totalsOf(attributed.get(force) ?? []),
    wholeAgreement: totalsOf(whole.get(force) ?? []),
  }));
}

const REGION_OF = new Map<string, Region>(REFERENCE_BODIES.map((b) => [b.id, b.region]));
const regionOf = (bodyId: string): Region | 'other' => REGION_OF.get(bodyId) ?? 'other';

/**
 * Each region's forces' shares, and the whole agreements with a party there (counted once a region), by region
 * (`page`: after a region).
 */
export async function benefitsByRegion(
  db: SqlExecutor,
  filter: BenefitsFilter = {},
  page?: PageWindow,
): Promise<RegionBenefits[]> {
  const entries = await entriesOf(db, filter);
  const parties = await partiesOf(
    db,
    entries.map((e) => e.agreementId),
  );
  const attributed = groupBy(entries, (e) => (e.attributedTo === null ? [] : [regionOf(e.attributedTo)]));
  const whole = groupBy(entries, (e) =>
    e.attributedTo === null ? (parties.get(e.agreementId) ?? []).map(regionOf) : [],
  );
  const regions = windowed([...new Set([...attributed.keys(), ...whole.keys()])].sort(), (region) => [region], page);
  return regions.map((region) => ({
    region,
    attributed: totalsOf(attributed.get(region) ?? []),
    wholeAgreement: totalsOf(whole.get(region) ?? []),
  }));
}

/**
 * Totals per period: a financial year, or a range of them as its own row, in order of their start, then their end
 * (`page`: after a period's start and end).
 */
export async function benefitsByYear(
  db: SqlExecutor,
  filter: BenefitsFilter = {},
  page?: PageWindow,
): Promise<PeriodBenefits[]> {
  const entries = await entriesOf(db, filter);
  const groups = groupBy(entries, (e) => [`${e.period.from}|${e.period.to}`]);
  const periods = [...groups.keys()]
    .map((key): [string, string] => {
      const [from = '', to = ''] = key.split('|');
      return [from, to];
    })
    .sort(compareKeys);
  return windowed(periods, (period) => period, page).map(([from, to]) => ({
    period: { from, to },
    ...splitTotalsOf(groups.get(`${from}|${to}`) ?? []),
  }));
}
