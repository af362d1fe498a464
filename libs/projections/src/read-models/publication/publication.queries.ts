import type { SqlExecutor } from '#event-store';
import type { AgreementDetail } from '../agreement-detail/agreement-detail.projection.js';
import type { PageWindow } from '../shared.js';
import {
  PUBLICATION_COLUMNS,
  toPublicationRecord,
  type PublicationDbRow,
  type PublicationRecord,
} from './publication.projection.js';

/** The publication record of an agreement, or null when nothing about its publication was ever recorded. */
export async function getPublication(db: SqlExecutor, agreementId: string): Promise<PublicationRecord | null> {
  const { rows } = await db.query<PublicationDbRow>(
    `SELECT ${PUBLICATION_COLUMNS} FROM publication WHERE agreement_id = $1`,
    [agreementId],
  );
  return rows[0] ? toPublicationRecord(rows[0]) : null;
}

/** An agreement as the public register publishes it in full. */
export interface PublishedAgreement {
  details: 'full';
  agreementId: string;
  title: string;
  purpose: string;
  legalBasis: string | null;
  scope: string | null;
  /** Current parties. */
  parties: { id: string; name: string }[];
  /** The day the last party signed; null if none has. */
  signedOn: string | null;
  inForceFrom: string | null;
  endedOn: string | null;
  publishedOn: string;
  publishedBy: string;
  documentUrl: string | null;
  reference: string | null;
}

/** An exempt agreement (s23E): its title and purpose only. The ground and reason of the exemption stay private. */
export interface LimitedAgreement {
  details: 'limited';
  agreementId: string;
  title: string;
  purpose: string;
  publishedOn: string;
}

export type PublicRegisterEntry = PublishedAgreement | LimitedAgreement;

/**
 * The published agreements a body is or was a party to, by title (then id): withdrawn and never-published ones
 * are left out, and an exempt one is cut down to its title and purpose here, so no caller can leak more.
 */
export async function publicRegisterOf(
  db: SqlExecutor,
  bodyId: string,
  page?: PageWindow,
): Promise<PublicRegisterEntry[]> {
  const { rows } = await db.query<PublicationDbRow & { detail: AgreementDetail }>(
    `SELECT ${PUBLICATION_COLUMNS.split(', ')
      .map((c) => `p.${c}`)
      .join(', ')}, d.detail
       FROM publication p JOIN agreement_detail d ON d.agreement_id = p.agreement_id
      WHERE p.status = 'published'
        AND d.detail->'parties' @> jsonb_build_array(jsonb_build_object('id', $1::text))
        AND ($2::text IS NULL OR (lower(d.detail->>'title'), d.agreement_id) >
             (SELECT lower(a.detail->>'title'), a.agreement_id FROM agreement_detail a WHERE a.agreement_id = $2))
      ORDER BY lower(d.detail->>'title'), d.agreement_id
      LIMIT $3`,
    [bodyId, page?.after?.[0] ?? null, page?.limit ?? null],
  );
  return rows.map((row): PublicRegisterEntry => {
    const { detail } = row;
    const publishedOn = row.published_on as string;
    if (row.exemption_ground !== null) {
      return {
        details: 'limited',
        agreementId: detail.agreementId,
        title: detail.title,
        purpose: detail.businessArea,
        publishedOn,
      };
    }
    const signed = detail.signatures.map((s) => s.signedOn).sort();
    return {
      details: 'full',
      agreementId: detail.agreementId,
      title: detail.title,
      purpose: detail.businessArea,
      legalBasis: detail.legalBasis,
      scope: detail.scope,
      parties: detail.parties.filter((p) => p.current).map(({ id, name }) => ({ id, name })),
      signedOn: signed.at(-1) ?? null,
      inForceFrom: detail.inForceFrom,
      endedOn: detail.terminatedOn,
      publishedOn,
      publishedBy: row.published_by as string,
      documentUrl: row.document_url,
      reference: row.reference,
    };
  });
}
