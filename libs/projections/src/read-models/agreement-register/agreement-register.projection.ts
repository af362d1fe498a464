import type {
  AgreementCameIntoForce,
  AgreementDrafted,
  DatePrecisionRecorded,
  AgreementReviewed,
  ForceWithdrew,
  HostForceChanged,
  PartyAdded,
  PartyJoined,
  RecordedDatePrecision,
  PartyCapacity,
} from '#domain';
import { capacityOf, inForceSentence, precisionOf, toCalendarDate, upcastAgreementDrafted } from '#domain';
import type { SqlExecutor, StoredEvent } from '#event-store';
import type { SqlProjection } from '../../sql-projection.js';
import { foldAgreementRows, rowsByIds, writeRows, type Columns } from '../batch-rows.js';
import { dataOf } from '../shared.js';

export type RegisterStatus = 'drafted' | 'in-force' | 'terminated';

export interface RegisterParty {
  id: string;
  name: string;
  /** The capacity a police party acts in (Police Act 1996 s22A); null when not recorded (parties.ts). */
  capacity: PartyCapacity | null;
}

/** One line of the agreement register: the agreement as it stands now. */
export interface RegisterRow {
  agreementId: string;
  title: string;
  /** The statute or MoU it is made under; null when an old record gave only its scope. */
  legalBasis: string | null;
  /** local, regional or national; null when not recorded. */
  scope: string | null;
  businessArea: string;
  deliveryModel: string;
  status: RegisterStatus;
  hostForce: string | null;
  parentId: string | null;
  reviewDue: string | null;
  /** Current parties (withdrawn ones leave the list). */
  parties: RegisterParty[];
  draftedAt: string;
  inForceAt: string | null;
  /** How exactly `inForceAt` is known (issue 15), and the sentence a reader sees: "in force by 24 August 2017". */
  inForcePrecision: RecordedDatePrecision | null;
  inForceSentence: string | null;
  terminatedAt: string | null;
}

const withInForce = (row: RegisterRow, precision: RecordedDatePrecision | null): RegisterRow => ({
  ...row,
  inForcePrecision: precision,
  inForceSentence:
    row.inForceAt === null || precision === null
      ? null
      : inForceSentence({ date: toCalendarDate(row.inForceAt), precision }),
});

export const AGREEMENT_REGISTER_EVENTS = [
  'AgreementDrafted',
  'PartyAdded',
  'PartyJoined',
  'ForceWithdrew',
  'AgreementCameIntoForce',
  'HostForceChanged',
  'AgreementReviewed',
  'AgreementTerminated',
  'DatePrecisionRecorded',
] as const;

/** The register row after one event: the projection's whole logic, pure. */
export function evolveRegisterRow(row: RegisterRow | null, event: StoredEvent): RegisterRow | null {
  if (event.type === 'AgreementDrafted') {
    const data = upcastAgreementDrafted(dataOf<AgreementDrafted>(event));
    return {
      agreementId: data.agreementId,
      title: data.title,
      legalBasis: data.legalBasis,
      scope: data.scope,
      businessArea: data.businessArea,
      deliveryModel: data.deliveryModel,
      status: 'drafted',
      hostForce: data.hostForce,
      parentId: data.parentAgreementId,
      reviewDue: data.reviewDue,
      parties: data.parties.map((party) => ({ id: party.id, name: party.name, capacity: capacityOf(party) })),
      draftedAt: event.occurredAt,
      inForceAt: null,
      inForcePrecision: null,
      inForceSentence: null,
      terminatedAt: null,
    };
  }
  if (row === null) return null;
  switch (event.type) {
    case 'PartyAdded':
    case 'PartyJoined': {
      const { party } = dataOf<PartyAdded | PartyJoined>(event);
      return row.parties.some((p) => p.id === party.id)
        ? row
        : { ...row, parties: [...row.parties, { id: party.id, name: party.name, capacity: capacityOf(party) }] };
    }
    case 'ForceWithdrew': {
      const { party } = dataOf<ForceWithdrew>(event);
      return { ...row, parties: row.parties.filter((p) => p.id !== party) };
    }
    case 'AgreementCameIntoForce':
      return withInForce(
        { ...row, status: 'in-force', inForceAt: event.occurredAt },
        precisionOf(dataOf<AgreementCameIntoForce>(event)),
      );
    case 'DatePrecisionRecorded': {
      const { facts, precision } = dataOf<DatePrecisionRecorded>(event);
      return facts.some((f) => f.fact === 'in-force') && row.inForceAt !== null ? withInForce(row, precision) : row;
    }
    case 'HostForceChanged':
      return { ...row, hostForce: dataOf<HostForceChanged>(event).to };
    case 'AgreementReviewed':
      return { ...row, reviewDue: dataOf<AgreementReviewed>(event).nextReviewDue };
    case 'AgreementTerminated':
      return { ...row, status: 'terminated', terminatedAt: event.occurredAt };
    default:
      return row;
  }
}

interface RegisterDbRow {
  agreement_id: string;
  title: string;
  legal_basis: string | null;
  scope: string | null;
  business_area: string;
  delivery_model: string;
  status: RegisterStatus;
  host_force: string | null;
  parent_id: string | null;
  review_due: string | null;
  parties: RegisterParty[];
  drafted_at: string;
  in_force_at: string | null;
  in_force_precision: RecordedDatePrecision | null;
  terminated_at: string | null;
}

export const REGISTER_COLUMNS =
  'agreement_id, title, legal_basis, scope, business_area, delivery_model, status, host_force, parent_id, review_due, parties, drafted_at, in_force_at, in_force_precision, terminated_at';

export const toRegisterRow = (r: RegisterDbRow): RegisterRow =>
  withInForce(
    {
      agreementId: r.agreement_id,
      title: r.title,
      legalBasis: r.legal_basis,
      scope: r.scope,
      businessArea: r.business_area,
      deliveryModel: r.delivery_model,
      status: r.status,
      hostForce: r.host_force,
      parentId: r.parent_id,
      reviewDue: r.review_due,
      parties: r.parties,
      draftedAt: r.drafted_at,
      inForceAt: r.in_force_at,
      inForcePrecision: null,
      inForceSentence: null,
      terminatedAt: r.terminated_at,
    },
    r.in_force_precision,
  );

async function load(tx: SqlExecutor, table: string, agreementId: string): Promise<RegisterRow | null> {
  const { rows } = await tx.query<RegisterDbRow>(`SELECT ${REGISTER_COLUMNS} FROM ${table} WHERE agreement_id = $1`, [
    agreementId,
  ]);
  return rows[0] ? toRegisterRow(rows[0]) : null;
}

async function save(tx: SqlExecutor, table: string, row: RegisterRow): Promise<void> {
  await tx.query(
    `INSERT INTO ${table} (${REGISTER_COLUMNS}, party_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11::jsonb, $12::timestamptz, $13::timestamptz, $14::text, $15::timestamptz, $16::text[])
     ON CONFLICT (agreement_id) DO UPDATE SET
       title = EXCLUDED.title, legal_basis = EXCLUDED.legal_basis, scope = EXCLUDED.scope, business_area = EXCLUDED.business_area,
       delivery_model = EXCLUDED.delivery_model, status = EXCLUDED.status, host_force = EXCLUDED.host_force,
       parent_id = EXCLUDED.parent_id, review_due = EXCLUDED.review_due, parties = EXCLUDED.parties,
       drafted_at = EXCLUDED.drafted_at, in_force_at = EXCLUDED.in_force_at, in_force_precision = EXCLUDED.in_force_precision, terminated_at = EXCLUDED.terminated_at,
       party_ids = EXCLUDED.party_ids`,
    [
      row.agreementId,
      row.title,
      row.legalBasis,
      row.scope,
      row.businessArea,
      row.deliveryModel,
      row.status,
      row.hostForce,
      row.parentId,
      row.reviewDue,
      JSON.stringify(row.parties),
      row.draftedAt,
      row.inForceAt,
      row.inForcePrecision,
      row.terminatedAt,
      row.parties.map((p) => p.id),
    ],
  );
}

const BATCH_COLUMNS: Columns = [
  ['agreement_id', 'text'],
  ['title', 'text'],
  ['legal_basis', 'text'],
  ['scope', 'text'],
  ['business_area', 'text'],
  ['delivery_model', 'text'],
  ['status', 'text'],
  ['host_force', 'text'],
  ['parent_id', 'text'],
  ['review_due', 'date'],
  ['parties', 'jsonb'],
  ['drafted_at', 'timestamptz'],
  ['in_force_at', 'timestamptz'],
  ['in_force_precision', 'text'],
  ['terminated_at', 'timestamptz'],
  ['party_ids', 'text[]'],
];

const toDbRow = (row: RegisterRow): Record<string, unknown> => ({
  agreement_id: row.agreementId,
  title: row.title,
  legal_basis: row.legalBasis,
  scope: row.scope,
  business_area: row.businessArea,
  delivery_model: row.deliveryModel,
  status: row.status,
  host_force: row.hostForce,
  parent_id: row.parentId,
  review_due: row.reviewDue,
  parties: row.parties,
  drafted_at: row.draftedAt,
  in_force_at: row.inForceAt,
  in_force_precision: row.inForcePrecision,
  terminated_at: row.terminatedAt,
  party_ids: row.parties.map((p) => p.id),
});

/** The register of agreements (GET /agreements): one row per agreement as it stands now. */
export const agreementRegisterProjection: SqlProjection = {
  name: 'agreement-register',
  // 2: the legal basis and the scope in separate columns (issue 15); 3: the in-force date's precision (issue 15,
  // "Guessed dates shown as facts"); 4: each party's capacity (issue 15 item 7). Rebuilt from the log on upgrade.
  version: 4,
  handles: AGREEMENT_REGISTER_EVENTS,
  tables: ['agreement_register'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('agreement_register')} (
      agreement_id text PRIMARY KEY,
      title text NOT NULL,
      legal_basis text,
      scope text,
      business_area text NOT NULL,
      delivery_model text NOT NULL,
      status text NOT NULL,
      host_force text,
      parent_id text,
      review_due date,
      parties jsonb NOT NULL,
      party_ids text[] NOT NULL,
      drafted_at timestamptz NOT NULL,
      in_force_at timestamptz,
      in_force_precision text,
      terminated_at timestamptz
    );
    CREATE INDEX IF NOT EXISTS ${t('agreement_register')}_party_ids_idx ON ${t('agreement_register')} USING gin (party_ids);
    CREATE INDEX IF NOT EXISTS ${t('agreement_register')}_status_idx ON ${t('agreement_register')} (status);
  `,
  async apply({ tx, t }, event) {
    const agreementId = (event.data as { agreementId: string }).agreementId;
    const table = t('agreement_register');
    const before = event.type === 'AgreementDrafted' ? null : await load(tx, table, agreementId);
    const after = evolveRegisterRow(before, event);
    if (after !== null && after !== before) await save(tx, table, after);
  },
  async applyBatch({ tx, t }, events) {
    const table = t('agreement_register');
    const changed = await foldAgreementRows(
      events,
      async (ids) => {
        const rows = await rowsByIds<RegisterDbRow>(tx, table, REGISTER_COLUMNS, 'agreement_id', ids);
        return new Map(rows.map((row) => [row.agreement_id, toRegisterRow(row)]));
      },
      evolveRegisterRow,
    );
    await writeRows(tx, table, BATCH_COLUMNS, ['agreement_id'], changed.map(toDbRow), 'update');
  },
};
