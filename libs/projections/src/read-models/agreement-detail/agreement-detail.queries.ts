import type { SqlExecutor } from '#event-store';
import type { AgreementDetail } from './agreement-detail.projection.js';

/** The agreement as it stands now, or null when there is none. */
export async function getAgreementDetail(db: SqlExecutor, agreementId: string): Promise<AgreementDetail | null> {
  const { rows } = await db.query<{ detail: AgreementDetail }>(
    'SELECT detail FROM agreement_detail WHERE agreement_id = $1',
    [agreementId],
  );
  return rows[0]?.detail ?? null;
}

/**
 * The agreements recorded as superseding `agreementId`, by id. The link is recorded on the successor only, so
 * this is the other side of `supersedes`.
 */
export async function supersededByOf(db: SqlExecutor, agreementId: string): Promise<string[]> {
  const { rows } = await db.query<{ agreement_id: string }>(
    `SELECT agreement_id FROM agreement_detail WHERE detail->'supersedes' @> jsonb_build_array($1::text)
     ORDER BY agreement_id`,
    [agreementId],
  );
  return rows.map((row) => row.agreement_id);
}

/** The units of a parent agreement (issue 15: Zephyr's RART, RIU, …), by id, as the register has them now. */
export async function unitsOf(db: SqlExecutor, agreementId: string): Promise<string[]> {
  const { rows } = await db.query<{ agreement_id: string }>(
    'SELECT agreement_id FROM agreement_register WHERE parent_id = $1 ORDER BY agreement_id',
    [agreementId],
  );
  return rows.map((row) => row.agreement_id);
}
