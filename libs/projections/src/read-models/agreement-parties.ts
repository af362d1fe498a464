import type { AgreementDrafted, PartyAdded, PartyJoined } from '#domain';
import type { StoredEvent } from '#event-store';
import type { ProjectionContext } from '../sql-projection.js';
import { writeRows } from './batch-rows.js';
import { dataOf } from './shared.js';

/** The events that say an agreement exists and who its parties are. */
export const AGREEMENT_PARTY_EVENTS = ['AgreementDrafted', 'PartyAdded', 'PartyJoined'] as const;

/** The two tables a read model keeps of them: `(agreement_id, title)` and `(agreement_id, body_id)`. */
export interface AgreementPartyTables {
  agreements: string;
  parties: string;
}

/**
 * Keeps a read model's own table of agreements and of every body that has ever been a party to each, for
 * reports that group figures by agreement and by force (the savings report, the benefits ledger). Events of
 * other types are passed over; a row already there is kept, so applying an event again changes nothing.
 */
export async function writeAgreementParties(
  { tx, t }: ProjectionContext,
  events: readonly StoredEvent[],
  tables: AgreementPartyTables,
): Promise<void> {
  const agreements: Record<string, unknown>[] = [];
  const parties: Record<string, unknown>[] = [];
  for (const event of events) {
    if (event.type === 'AgreementDrafted') {
      const { agreementId, title, parties: drafted } = dataOf<AgreementDrafted>(event);
      agreements.push({ agreement_id: agreementId, title });
      for (const p of drafted) parties.push({ agreement_id: agreementId, body_id: p.id });
    } else if (event.type === 'PartyAdded' || event.type === 'PartyJoined') {
      const { agreementId, party } = dataOf<PartyAdded | PartyJoined>(event);
      parties.push({ agreement_id: agreementId, body_id: party.id });
    }
  }
  await writeRows(
    tx,
    t(tables.agreements),
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
    t(tables.parties),
    [
      ['agreement_id', 'text'],
      ['body_id', 'text'],
    ],
    ['agreement_id', 'body_id'],
    parties,
    'nothing',
  );
}
