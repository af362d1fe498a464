import type {
  AgreementDrafted,
  BenefitCorrected,
  BenefitRecorded,
  PartyAdded,
  PartyJoined,
  SavingsForecast,
  SavingsRealised,
} from '#domain';
import type { ProjectionContext, SqlProjection } from '../../sql-projection.js';
import { dataOf } from '../shared.js';

export const BENEFITS_EVENTS = [
  'AgreementDrafted',
  'PartyAdded',
  'PartyJoined',
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

async function upsertEntry(
  { tx, t }: ProjectionContext,
  row: Record<(typeof ENTRY_COLUMNS)[number], unknown>,
): Promise<void> {
  const placeholders = ENTRY_COLUMNS.map((c, i) => (c === 'amount_pence' ? `$${i + 1}::bigint` : `$${i + 1}`));
  await tx.query(
    `INSERT INTO ${t('benefit_entries')} (${ENTRY_COLUMNS.join(', ')}) VALUES (${placeholders.join(', ')})
     ON CONFLICT (agreement_id, entry_id) DO UPDATE SET amount_pence = EXCLUDED.amount_pence, recorded_at = EXCLUDED.recorded_at`,
    ENTRY_COLUMNS.map((c) => row[c]),
  );
}

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
    const party = (agreementId: string, bodyId: string) =>
      tx.query(
        `INSERT INTO ${t('benefit_parties')} (agreement_id, body_id) VALUES ($1, $2) ON CONFLICT (agreement_id, body_id) DO NOTHING`,
        [agreementId, bodyId],
      );
    switch (event.type) {
      case 'AgreementDrafted': {
        const { agreementId, title, parties } = dataOf<AgreementDrafted>(event);
        await tx.query(
          `INSERT INTO ${t('benefit_agreements')} (agreement_id, title) VALUES ($1, $2) ON CONFLICT (agreement_id) DO NOTHING`,
          [agreementId, title],
        );
        for (const p of parties) await party(agreementId, p.id);
        return;
      }
      case 'PartyAdded':
      case 'PartyJoined': {
        const { agreementId, party: body } = dataOf<PartyAdded | PartyJoined>(event);
        await party(agreementId, body.id);
        return;
      }
      case 'SavingsForecast':
      case 'SavingsRealised': {
        const { agreementId, financialYear, amountPence } = dataOf<SavingsForecast | SavingsRealised>(event);
        const status = event.type === 'SavingsForecast' ? 'forecast' : 'realised';
        await upsertEntry(ctx, {
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
        });
        return;
      }
      case 'BenefitRecorded':
      case 'BenefitCorrected': {
        const data = dataOf<BenefitRecorded | BenefitCorrected>(event);
        const correction = event.type === 'BenefitCorrected' ? dataOf<BenefitCorrected>(event) : null;
        await upsertEntry(ctx, {
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
        });
        if (correction) {
          await tx.query(
            `UPDATE ${t('benefit_entries')} SET superseded_by = $3 WHERE agreement_id = $1 AND entry_id = $2`,
            [correction.agreementId, correction.supersedes, correction.entryId],
          );
        }
        return;
      }
    }
  },
};
