import { PUBLICATION_EVENT_TYPES, type ExemptionGround, type PublicationEvent } from '#domain';
import type { StoredEvent } from '#event-store';
import type { SqlProjection } from '../../sql-projection.js';
import { foldAgreementRows, rowsByIds, writeRows, type Columns } from '../batch-rows.js';
import { dayOf } from '../shared.js';

/** Where an agreement stands under s23E: never published, published now, or published once and withdrawn. */
export type PublicationStatus = 'unpublished' | 'published' | 'withdrawn';

/** One agreement's publication record (GET /agreements/:id/publication); the exemption reason is never public. */
export interface PublicationRecord {
  agreementId: string;
  status: PublicationStatus;
  /** The last publication (kept once withdrawn, so the record says what was withdrawn). */
  publishedOn: string | null;
  documentUrl: string | null;
  reference: string | null;
  publishedBy: string | null;
  /** Published as its title and purpose only (s23E: security, national security or operations). */
  exemption: { ground: ExemptionGround; reason: string; markedOn: string } | null;
  withdrawnOn: string | null;
  withdrawalReason: string | null;
}

const empty = (agreementId: string): PublicationRecord => ({
  agreementId,
  status: 'unpublished',
  publishedOn: null,
  documentUrl: null,
  reference: null,
  publishedBy: null,
  exemption: null,
  withdrawnOn: null,
  withdrawalReason: null,
});

/** The record after one event: the projection's whole logic, pure. */
export function evolvePublicationRecord(row: PublicationRecord | null, stored: StoredEvent): PublicationRecord | null {
  const event = stored as unknown as PublicationEvent;
  const before = row ?? empty(event.data.agreementId);
  switch (event.type) {
    case 'AgreementPublished': {
      const { publishedOn, documentUrl, reference, publishedBy } = event.data;
      return { ...before, status: 'published', publishedOn, documentUrl, reference, publishedBy };
    }
    case 'PublicationExemptionMarked': {
      const { ground, reason } = event.data;
      return { ...before, exemption: { ground, reason, markedOn: dayOf(stored) } };
    }
    case 'PublicationWithdrawn':
      return { ...before, status: 'withdrawn', withdrawnOn: dayOf(stored), withdrawalReason: event.data.reason };
    default: {
      const _exhaustive: never = event;
      return row;
    }
  }
}

const COLUMNS: Columns = [
  ['agreement_id', 'text'],
  ['status', 'text'],
  ['published_on', 'date'],
  ['document_url', 'text'],
  ['reference', 'text'],
  ['published_by', 'text'],
  ['exemption_ground', 'text'],
  ['exemption_reason', 'text'],
  ['exempt_since', 'date'],
  ['withdrawn_on', 'date'],
  ['withdrawal_reason', 'text'],
];

export interface PublicationDbRow {
  agreement_id: string;
  status: PublicationStatus;
  published_on: string | null;
  document_url: string | null;
  reference: string | null;
  published_by: string | null;
  exemption_ground: ExemptionGround | null;
  exemption_reason: string | null;
  exempt_since: string | null;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
}

export const PUBLICATION_COLUMNS = COLUMNS.map(([name]) => name).join(', ');

export const toPublicationRecord = (r: PublicationDbRow): PublicationRecord => ({
  agreementId: r.agreement_id,
  status: r.status,
  publishedOn: r.published_on,
  documentUrl: r.document_url,
  reference: r.reference,
  publishedBy: r.published_by,
  exemption:
    r.exemption_ground === null
      ? null
      : { ground: r.exemption_ground, reason: r.exemption_reason ?? '', markedOn: r.exempt_since ?? '' },
  withdrawnOn: r.withdrawn_on,
  withdrawalReason: r.withdrawal_reason,
});

const toDbRow = (r: PublicationRecord): PublicationDbRow => ({
  agreement_id: r.agreementId,
  status: r.status,
  published_on: r.publishedOn,
  document_url: r.documentUrl,
  reference: r.reference,
  published_by: r.publishedBy,
  exemption_ground: r.exemption?.ground ?? null,
  exemption_reason: r.exemption?.reason ?? null,
  exempt_since: r.exemption?.markedOn ?? null,
  withdrawn_on: r.withdrawnOn,
  withdrawal_reason: r.withdrawalReason,
});

async function write(tx: Parameters<SqlProjection['apply']>[0]['tx'], table: string, events: readonly StoredEvent[]) {
  const changed = await foldAgreementRows(
    events,
    async (ids) => {
      const rows = await rowsByIds<PublicationDbRow>(tx, table, PUBLICATION_COLUMNS, 'agreement_id', ids);
      return new Map(rows.map((row) => [row.agreement_id, toPublicationRecord(row)]));
    },
    evolvePublicationRecord,
  );
  await writeRows(tx, table, COLUMNS, ['agreement_id'], changed.map(toDbRow), 'update');
}

/** s23E publication per agreement (docs/domain.md, "Publication"), read by the public register. */
export const publicationProjection: SqlProjection = {
  name: 'publication',
  version: 1,
  handles: PUBLICATION_EVENT_TYPES,
  tables: ['publication'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('publication')} (
      agreement_id text PRIMARY KEY,
      status text NOT NULL,
      published_on date,
      document_url text,
      reference text,
      published_by text,
      exemption_ground text,
      exemption_reason text,
      exempt_since date,
      withdrawn_on date,
      withdrawal_reason text
    );
    CREATE INDEX IF NOT EXISTS ${t('publication')}_status_idx ON ${t('publication')} (status);
  `,
  apply: ({ tx, t }, event) => write(tx, t('publication'), [event]),
  applyBatch: ({ tx, t }, events) => write(tx, t('publication'), events),
};
