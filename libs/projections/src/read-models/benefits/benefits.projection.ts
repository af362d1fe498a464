import type { BenefitCorrected, BenefitRecorded, SavingsForecast, SavingsRealised } from '#domain';
import type { StoredEvent } from '#event-store';
import type { SqlProjection } from '../../sql-projection.js';
import { writeRows, type Columns } from '../batch-rows.js';
import { AGREEMENT_PARTY_EVENTS, writeAgreementParties, type AgreementPartyTables } from '../agreement-parties.js';
import { dataOf } from '../shared.js';

export const BENEFITS_EVENTS = [
  ...AGREEMENT_PARTY_EVENTS,
  'SavingsForecast',
  'SavingsRealised',
  'BenefitRecorded',
  'BenefitCorrected',
] as const;

/**
 * The id a savings figure of release 0.1 takes in the ledger: one per agreement, year and status, so a later
 * figure for a year replaces the earlier one as it always did. A colon is in no entry id a user can give.
 */
export const savingsEntryId = (status: 'forecast' | 'realised', financialYear: string): string =>
  `savings:${status}:${financialYear}`;

const ENTRY_COLUMNS = [
  'agreement_id',
  'entry_id',
  'origin',
  'kind',
  'status',
  'amount_pence',
  'description',
  'measure',
  'period_from',
  'period_to',
  'attributed_to',
  'source',
  'note',
  'supersedes',
  'correction_reason',
  'recorded_at',
] as const;

type EntryRow = Record<(typeof ENTRY_COLUMNS)[number], unknown>;

/** The ledger row an entry event writes (a savings figure as a saving of the whole agreement for its year). */
function entryRowOf(event: StoredEvent): EntryRow | null {
  switch (event.type) {
    case 'SavingsForecast':
    case 'SavingsRealised': {
      const { agreementId, financialYear, amountPence } = dataOf<SavingsForecast | SavingsRealised>(event);
      const status = event.type === 'SavingsForecast' ? 'forecast' : 'realised';
      return {
        agreement_id: agreementId,
        entry_id: savingsEntryId(status, financialYear),
        origin: 'savings',
        kind: 'saving',
        status,
        amount_pence: amountPence,
        description: null,
        measure: null,
        period_from: financialYear,
        period_to: financialYear,
        attributed_to: null,
        source: null,
        note: null,
        supersedes: null,
        correction_reason: null,
        recorded_at: event.recordedAt,
      };
    }
    case 'BenefitRecorded':
    case 'BenefitCorrected': {
      const data = dataOf<BenefitRecorded | BenefitCorrected>(event);
      const correction = event.type === 'BenefitCorrected' ? dataOf<BenefitCorrected>(event) : null;
      return {
        agreement_id: data.agreementId,
        entry_id: data.entryId,
        origin: 'ledger',
        kind: data.kind,
        status: data.status,
        amount_pence: data.amountPence,
        description: data.description,
        measure: data.measure,
        period_from: data.period.from,
        period_to: data.period.to,
        attributed_to: data.attributedTo,
        source: data.source,
        note: data.note,
        supersedes: correction?.supersedes ?? null,
        correction_reason: correction?.reason ?? null,
        recorded_at: event.recordedAt,
      };
    }
    default:
      return null;
  }
}

const ENTRY_TYPES: Columns = ENTRY_COLUMNS.map((c) => [c, c === 'amount_pence' ? 'bigint' : 'text'] as const);

const TABLES: AgreementPartyTables = { agreements: 'benefit_agreements', parties: 'benefit_parties' };

/**
 * The benefits ledger (docs/domain.md, "Benefits"): every entry of every agreement's ledger, with the entry
 * that superseded it, and the savings figures of release 0.1 (`SavingsForecast`, `SavingsRealised` on the
 * agreement's stream) read as saving entries of the whole agreement for one financial year. The parties of
 * each agreement (present and past) let the reports group by force and region.
 */
export const benefitsProjection: SqlProjection = {
  name: 'benefits',
  version: 1,
  handles: BENEFITS_EVENTS,
  tables: ['benefit_entries', 'benefit_agreements', 'benefit_parties'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('benefit_entries')} (
      agreement_id text NOT NULL,
      entry_id text NOT NULL,
      origin text NOT NULL,
      kind text NOT NULL,
      status text NOT NULL,
      amount_pence bigint,
      description text,
      measure text,
      period_from text NOT NULL,
      period_to text NOT NULL,
      attributed_to text,
      source text,
      note text,
      supersedes text,
      superseded_by text,
      correction_reason text,
      recorded_at text NOT NULL,
      PRIMARY KEY (agreement_id, entry_id)
    );
    CREATE TABLE IF NOT EXISTS ${t('benefit_agreements')} (
      agreement_id text PRIMARY KEY,
      title text NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${t('benefit_parties')} (
      agreement_id text NOT NULL,
      body_id text NOT NULL,
      PRIMARY KEY (agreement_id, body_id)
    );
  `,
  async apply(ctx, event) {
    const { tx, t } = ctx;
    switch (event.type) {
      case 'AgreementDrafted':
      case 'PartyAdded':
      case 'PartyJoined':
        await writeAgreementParties(ctx, [event], TABLES);
        return;
      case 'SavingsForecast':
      case 'SavingsRealised':
      case 'BenefitRecorded':
      case 'BenefitCorrected': {
        const row = entryRowOf(event);
        if (row === null) return;
        const placeholders = ENTRY_COLUMNS.map((c, i) => (c === 'amount_pence' ? `$${i + 1}::bigint` : `$${i + 1}`));
        // Only a savings figure meets its own id again (a later figure for the year); a ledger id is new by rule.
        await tx.query(
          `INSERT INTO ${t('benefit_entries')} (${ENTRY_COLUMNS.join(', ')}) VALUES (${placeholders.join(', ')})
           ON CONFLICT (agreement_id, entry_id) DO UPDATE SET amount_pence = EXCLUDED.amount_pence, recorded_at = EXCLUDED.recorded_at`,
          ENTRY_COLUMNS.map((c) => row[c]),
        );
        if (event.type === 'BenefitCorrected') {
          const { agreementId, supersedes, entryId } = dataOf<BenefitCorrected>(event);
          await tx.query(
            `UPDATE ${t('benefit_entries')} SET superseded_by = $3 WHERE agreement_id = $1 AND entry_id = $2`,
            [agreementId, supersedes, entryId],
          );
        }
        return;
      }
    }
  },
  async applyBatch(ctx, events) {
    const { tx, t } = ctx;
    const entries = new Map<string, EntryRow & { superseded_by: string | null }>();
    const key = (agreementId: unknown, entryId: unknown): string => JSON.stringify([agreementId, entryId]);
    /** Corrections of entries written by an earlier batch: [agreement, superseded, superseding]. */
    const earlier: [string, string, string][] = [];
    for (const event of events) {
      switch (event.type) {
        default: {
          const row = entryRowOf(event);
          if (row === null) break;
          const k = key(row.agreement_id, row.entry_id);
          entries.set(k, { ...row, superseded_by: entries.get(k)?.superseded_by ?? null });
          if (event.type === 'BenefitCorrected') {
            const { agreementId, supersedes, entryId } = dataOf<BenefitCorrected>(event);
            const superseded = entries.get(key(agreementId, supersedes));
            if (superseded) superseded.superseded_by = entryId;
            else earlier.push([agreementId, supersedes, entryId]);
          }
        }
      }
    }
    await writeAgreementParties(ctx, events, TABLES);
    await writeRows(
      tx,
      t('benefit_entries'),
      [...ENTRY_TYPES, ['superseded_by', 'text']],
      ['agreement_id', 'entry_id'],
      [...entries.values()],
      'update',
    );
    if (earlier.length > 0) {
      await tx.query(
        `UPDATE ${t('benefit_entries')} e SET superseded_by = c.superseding
           FROM unnest($1::text[], $2::text[], $3::text[]) AS c(agreement_id, entry_id, superseding)
          WHERE e.agreement_id = c.agreement_id AND e.entry_id = c.entry_id`,
        [earlier.map(([a]) => a), earlier.map(([, e]) => e), earlier.map(([, , by]) => by)],
      );
    }
  },
};
