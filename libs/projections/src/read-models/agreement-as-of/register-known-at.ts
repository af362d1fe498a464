import { agreementStreamId } from '#domain';
import type { EventStore, SqlExecutor } from '#event-store';
import {
  AGREEMENT_REGISTER_EVENTS,
  evolveRegisterRow,
  type RegisterRow,
} from '../agreement-register/agreement-register.projection.js';
import type { AgreementCounts, RegisterFilter } from '../agreement-register/agreement-register.queries.js';
import { endOf } from '../shared.js';

const HANDLED: ReadonlySet<string> = new Set(AGREEMENT_REGISTER_EVENTS);

const matches = (row: RegisterRow, filter: RegisterFilter): boolean =>
  (filter.party === undefined || row.parties.some((p) => p.id === filter.party)) &&
  (filter.status === undefined || row.status === filter.status) &&
  (filter.area === undefined || row.businessArea.toLowerCase().includes(filter.area.toLowerCase())) &&
  (filter.legalBasis === undefined || row.legalBasis === filter.legalBasis) &&
  (filter.hostForce === undefined || row.hostForce === filter.hostForce) &&
  (filter.scope === undefined || row.scope === filter.scope) &&
  (filter.parentId === undefined || row.parentId === filter.parentId);

/**
 * The register (GET /agreements) as the record stood at `knownAt` (transaction time): the read model names the
 * candidates, and each agreement's events recorded by then are folded by the register read model's own function
 * (`evolveRegisterRow`), so an agreement recorded later is absent and one changed later reads as it stood. The
 * counts are of the whole register then, as without knownAt; the rows are filtered and ordered by title, then id.
 */
export async function registerKnownAt(
  db: SqlExecutor,
  store: Pick<EventStore, 'readStream'>,
  filter: RegisterFilter,
  knownAt: string,
): Promise<{ rows: RegisterRow[]; counts: AgreementCounts }> {
  const until = Date.parse(endOf(knownAt));
  const { rows: ids } = await db.query<{ agreement_id: string }>(
    'SELECT agreement_id FROM agreement_register ORDER BY agreement_id',
  );
  const rows: RegisterRow[] = [];
  for (const { agreement_id: agreementId } of ids) {
    let row: RegisterRow | null = null;
    for (const event of await store.readStream(agreementStreamId(agreementId))) {
      if (Date.parse(event.recordedAt) > until) continue;
      if (HANDLED.has(event.type)) row = evolveRegisterRow(row, event);
    }
    if (row !== null) rows.push(row);
  }
  const counts: AgreementCounts = { drafted: 0, 'in-force': 0, terminated: 0, total: 0 };
  for (const row of rows) {
    counts[row.status]++;
    counts.total++;
  }
  const listed = rows
    .filter((row) => matches(row, filter))
    .sort(
      (a, b) =>
        a.title.toLowerCase().localeCompare(b.title.toLowerCase()) || a.agreementId.localeCompare(b.agreementId),
    );
  return { rows: listed, counts };
}
