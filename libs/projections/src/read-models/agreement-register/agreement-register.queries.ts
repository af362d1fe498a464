import type { SqlExecutor } from '#event-store';
import { containsPattern, type PageWindow } from '../shared.js';
import {
  REGISTER_COLUMNS,
  toRegisterRow,
  type RegisterRow,
  type RegisterStatus,
} from './agreement-register.projection.js';

export interface RegisterFilter {
  /** A body id among the current parties. */
  party?: string;
  status?: RegisterStatus;
  /** Part of the business area, any case (`organised` finds "Serious and Organised Crime"). */
  area?: string;
  legalBasis?: string;
  scope?: string;
  hostForce?: string;
  /** The parent agreement: its units (issue 15, Zephyr's RART, RIU, Protected Persons and Fraud). */
  parentId?: string;
}

/**
 * The register, filtered; ordered by title (then id). With `page`, only the rows after the row
 * `page.after` in that order, at most `page.limit` of them.
 */
export async function listAgreements(
  db: SqlExecutor,
  filter: RegisterFilter = {},
  page?: PageWindow,
): Promise<RegisterRow[]> {
  const { rows } = await db.query<Parameters<typeof toRegisterRow>[0]>(
    `SELECT ${REGISTER_COLUMNS} FROM agreement_register
      WHERE ($1::text IS NULL OR $1 = ANY (party_ids))
        AND ($2::text IS NULL OR status = $2)
        AND ($3::text IS NULL OR business_area ILIKE $3)
        AND ($4::text IS NULL OR legal_basis = $4)
        AND ($5::text IS NULL OR host_force = $5)
        AND ($6::text IS NULL OR scope = $6)
        AND ($7::text IS NULL OR (lower(title), agreement_id) >
             (SELECT lower(a.title), a.agreement_id FROM agreement_register a WHERE a.agreement_id = $7))
        AND ($9::text IS NULL OR parent_id = $9)
      ORDER BY lower(title), agreement_id
      LIMIT $8`,
    [
      filter.party ?? null,
      filter.status ?? null,
      filter.area ? containsPattern(filter.area) : null,
      filter.legalBasis ?? null,
      filter.hostForce ?? null,
      filter.scope ?? null,
      page?.after?.[0] ?? null,
      page?.limit ?? null,
      filter.parentId ?? null,
    ],
  );
  return rows.map(toRegisterRow);
}

export async function getRegisterRow(db: SqlExecutor, agreementId: string): Promise<RegisterRow | null> {
  const { rows } = await db.query<Parameters<typeof toRegisterRow>[0]>(
    `SELECT ${REGISTER_COLUMNS} FROM agreement_register WHERE agreement_id = $1`,
    [agreementId],
  );
  return rows[0] ? toRegisterRow(rows[0]) : null;
}

export type AgreementCounts = Record<RegisterStatus, number> & { total: number };

/** How many agreements are drafted, in force and terminated. */
export async function countAgreementsByStatus(db: SqlExecutor): Promise<AgreementCounts> {
  const { rows } = await db.query<{ status: RegisterStatus; n: string }>(
    'SELECT status, count(*)::text AS n FROM agreement_register GROUP BY status',
  );
  const counts: AgreementCounts = { drafted: 0, 'in-force': 0, terminated: 0, total: 0 };
  for (const row of rows) {
    counts[row.status] = Number(row.n);
    counts.total += Number(row.n);
  }
  return counts;
}
