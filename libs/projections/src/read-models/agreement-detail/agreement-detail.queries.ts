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
