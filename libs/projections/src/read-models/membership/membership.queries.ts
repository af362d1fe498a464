import type { SqlExecutor } from '#event-store';
import type { PageWindow } from '../shared.js';

export interface Collaboration {
  agreementId: string;
  title: string;
  /** Null when an old record gave only the scope. */
  legalBasis: string | null;
  scope: string | null;
  businessArea: string;
  /** The interval of membership that covers the date asked about. */
  memberFrom: string;
  memberUntil: string | null;
}

interface CollaborationRow {
  agreement_id: string;
  title: string | null;
  legal_basis: string | null;
  scope: string | null;
  business_area: string | null;
  valid_from: string;
  valid_to: string | null;
}

const COLLABORATION_COLUMNS =
  'i.agreement_id, a.title, a.legal_basis, a.scope, a.business_area, i.valid_from, i.valid_to';

const toCollaboration = (r: CollaborationRow): Collaboration => ({
  agreementId: r.agreement_id,
  title: r.title ?? r.agreement_id,
  legalBasis: r.legal_basis,
  scope: r.scope,
  businessArea: r.business_area ?? '',
  memberFrom: r.valid_from,
  memberUntil: r.valid_to,
});

/** The agreements a body belonged to on `asOf` (`YYYY-MM-DD`), answered from membership intervals. */
export async function collaborationsOf(
  db: SqlExecutor,
  bodyId: string,
  { asOf }: { asOf: string },
  page?: PageWindow,
): Promise<Collaboration[]> {
  const { rows } = await db.query<CollaborationRow>(
    `SELECT ${COLLABORATION_COLUMNS}
       FROM membership_intervals i LEFT JOIN membership_agreements a ON a.agreement_id = i.agreement_id
      WHERE i.body_id = $1 AND i.valid_from <= $2::date AND (i.valid_to IS NULL OR i.valid_to > $2::date)
        AND ($3::text IS NULL OR (lower(coalesce(a.title, i.agreement_id)), i.agreement_id) >
             (lower(coalesce((SELECT m.title FROM membership_agreements m WHERE m.agreement_id = $3), $3)), $3))
      ORDER BY lower(coalesce(a.title, i.agreement_id)), i.agreement_id
      LIMIT $4`,
    [bodyId, asOf, page?.after?.[0] ?? null, page?.limit ?? null],
  );
  return rows.map(toCollaboration);
}

export interface MembershipInterval {
  bodyId: string;
  agreementId: string;
  validFrom: string;
  validTo: string | null;
}

/** Every membership interval of an agreement (its membership history), oldest first. */
export async function membershipOf(db: SqlExecutor, agreementId: string): Promise<MembershipInterval[]> {
  const { rows } = await db.query<{
    body_id: string;
    agreement_id: string;
    valid_from: string;
    valid_to: string | null;
  }>(
    `SELECT body_id, agreement_id, valid_from, valid_to FROM membership_intervals WHERE agreement_id = $1 ORDER BY valid_from, body_id`,
    [agreementId],
  );
  return rows.map((r) => ({
    bodyId: r.body_id,
    agreementId: r.agreement_id,
    validFrom: r.valid_from,
    validTo: r.valid_to,
  }));
}

/**
 * The agreements a body belonged to at any time from `from` to `to` (`YYYY-MM-DD`, both included), one row per
 * membership interval that overlaps the period, by title then agreement id then start.
 */
export async function collaborationsDuring(
  db: SqlExecutor,
  bodyId: string,
  { from, to }: { from: string; to: string },
): Promise<Collaboration[]> {
  const { rows } = await db.query<CollaborationRow>(
    `SELECT ${COLLABORATION_COLUMNS}
       FROM membership_intervals i LEFT JOIN membership_agreements a ON a.agreement_id = i.agreement_id
      WHERE i.body_id = $1 AND i.valid_from <= $3::date AND (i.valid_to IS NULL OR i.valid_to > $2::date)
      ORDER BY lower(coalesce(a.title, i.agreement_id)), i.agreement_id, i.valid_from`,
    [bodyId, from, to],
  );
  return rows.map(toCollaboration);
}
