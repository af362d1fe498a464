import { longDate, parseFinancialYear, policingBodyOn, type PolicingBody } from '#domain';
import type { SqlExecutor } from '#event-store';
import { listAlerts, type AlertView } from '#alerting';
import {
  collaborationsDuring,
  getBoardCompliance,
  getRegisterRow,
  listBoards,
  savingsByAgreement,
  type BoardCompliance,
  type Rag,
} from '#projections';

/** One agreement the body was party to during the year, with what oversaw it. */
export interface StatementAgreement {
  agreementId: string;
  title: string;
  legalBasis: string | null;
  /** The first day of the body's membership that overlaps the year, and the day after its last (null: still a member). */
  memberFrom: string;
  memberUntil: string | null;
  reviewDue: string | null;
  /** A review date that fell on or before the end of the period (the agreement was due a review). */
  pastReviewDate: boolean;
  /** The boards whose terms name this agreement. */
  boardIds: string[];
  /** Savings recorded for the year, in pence; null when none were. */
  savings: { forecastPence: number; realisedPence: number } | null;
}

export interface StatementBoard extends BoardCompliance {
  agreementIds: string[];
}

export interface GovernanceStatement {
  body: { id: string; name: string; policingBody: PolicingBody | null };
  financialYear: string;
  periodStart: string;
  periodEnd: string;
  asOf: string;
  agreements: StatementAgreement[];
  boards: StatementBoard[];
  /** Alerts about these boards and agreements whose breach fell in the year, with how each ended. */
  alerts: AlertView[];
  /** In-force agreements in the year that no board oversees. */
  agreementsWithoutBoard: string[];
  agreementsPastReviewDate: string[];
  /** The statement's findings as sentences for the Annual Governance Statement; empty when there is nothing to say. */
  findings: string[];
  /** The worst board status (green when there is no board). */
  status: Rag;
}

const RAG_ORDER: readonly Rag[] = ['green', 'amber', 'red'];
const worst = (statuses: Rag[]): Rag =>
  statuses.reduce<Rag>((acc, s) => (RAG_ORDER.indexOf(s) > RAG_ORDER.indexOf(acc) ? s : acc), 'green');

/** `2015-16` → `2015/16`, as governance statements write it. */
const slashYear = (financialYear: string): string => financialYear.replace('-', '/');

const listOf = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The sentences an Annual Governance Statement would carry, from the figures alone: for each board with meetings
 * cancelled and not rearranged, how many and which (the 2015/16 statement seed 003 quotes said "a number of
 * formal … Governance Board meetings were cancelled and not rearranged"); each board's other reasons; agreements
 * with no board and agreements past their review date.
 */
export function statementFindings(
  statement: Pick<
    GovernanceStatement,
    'financialYear' | 'boards' | 'agreements' | 'agreementsWithoutBoard' | 'agreementsPastReviewDate'
  >,
): string[] {
  const year = slashYear(statement.financialYear);
  const findings: string[] = [];
  const titleOf = (id: string) => statement.agreements.find((a) => a.agreementId === id)?.title ?? id;
  for (const board of statement.boards) {
    const missed = board.cancellations.filter((c) => c.notRearranged);
    if (missed.length > 0) {
      findings.push(
        `${plural(missed.length, `formal ${board.name} meeting was`, `formal ${board.name} meetings were`)} cancelled and not rearranged during ${year} (${missed.length === 1 ? 'meeting' : 'meetings'} of ${listOf(missed.map((c) => longDate(c.meetingDate)))}).`,
      );
    }
    const awaiting = board.cancellations.filter((c) => c.state === 'awaiting-rearrangement');
    for (const c of awaiting) {
      findings.push(
        `The ${board.name} meeting of ${longDate(c.meetingDate)} was cancelled on ${longDate(c.cancelledOn)} and awaits rearrangement by ${longDate(c.rearrangeBy)}.`,
      );
    }
    for (const reason of board.reasons) {
      if (!/not rearranged/i.test(reason)) findings.push(`${board.name}: ${reason}`);
    }
  }
  if (statement.agreementsWithoutBoard.length > 0) {
    findings.push(
      `${plural(statement.agreementsWithoutBoard.length, 'agreement in force during', 'agreements in force during')} ${year} had no overseeing board: ${listOf(statement.agreementsWithoutBoard.map(titleOf))}.`,
    );
  }
  if (statement.agreementsPastReviewDate.length > 0) {
    findings.push(
      `${plural(statement.agreementsPastReviewDate.length, 'agreement was', 'agreements were')} past its review date: ${listOf(statement.agreementsPastReviewDate.map(titleOf))}.`,
    );
  }
  return findings;
}

/**
 * The governance statement of a body (a police force, by its id) for one financial year, as the record stood on
 * `asOf` (valid time; facts after it are left out). Null when `financialYear` is malformed (the HTTP layer
 * validates it first). Reads the membership, register, board-compliance, savings and alerts read models.
 */
export async function buildGovernanceStatement(
  db: SqlExecutor,
  body: { id: string; name: string },
  options: { financialYear: string; asOf: string },
): Promise<GovernanceStatement | null> {
  const span = parseFinancialYear(options.financialYear);
  if (!span) return null;
  const { asOf, financialYear } = options;
  const periodStart = span.start;
  const periodEnd = asOf < span.end ? asOf : span.end;
  const dated = policingBodyOn(body.id, periodEnd);

  const memberships =
    periodEnd < periodStart ? [] : await collaborationsDuring(db, body.id, { from: periodStart, to: periodEnd });
  const byAgreement = new Map<string, StatementAgreement>();
  const boards = new Map<string, StatementBoard>();
  for (const membership of memberships) {
    const known = byAgreement.get(membership.agreementId);
    if (known) {
      known.memberUntil = membership.memberUntil;
      continue;
    }
    const register = await getRegisterRow(db, membership.agreementId);
    const overseeing = await listBoards(db, { agreementId: membership.agreementId });
    for (const board of overseeing) {
      if (boards.has(board.boardId) || board.establishedOn > periodEnd) continue;
      const compliance = await getBoardCompliance(db, board.boardId, { financialYear, asOf });
      if (compliance) boards.set(board.boardId, { ...compliance, agreementIds: board.agreementIds });
    }
    const savings = await savingsByAgreement(db, { agreementId: membership.agreementId, financialYear });
    const reviewDue = register?.reviewDue ?? null;
    byAgreement.set(membership.agreementId, {
      agreementId: membership.agreementId,
      title: membership.title,
      legalBasis: membership.legalBasis,
      memberFrom: membership.memberFrom,
      memberUntil: membership.memberUntil,
      reviewDue,
      pastReviewDate: reviewDue !== null && reviewDue <= periodEnd,
      boardIds: overseeing.filter((b) => boards.has(b.boardId)).map((b) => b.boardId),
      savings: savings[0] ? { forecastPence: savings[0].forecastPence, realisedPence: savings[0].realisedPence } : null,
    });
  }
  const agreements = [...byAgreement.values()];
  const inYear = (alert: AlertView): boolean => {
    const on = alert.breachedOn ?? alert.raisedAt.slice(0, 10);
    return on >= periodStart && on <= periodEnd;
  };
  const alerts = new Map<string, AlertView>();
  for (const boardId of boards.keys()) {
    for (const alert of await listAlerts(db, { boardId })) if (inYear(alert)) alerts.set(alert.alertId, alert);
  }
  for (const agreement of agreements) {
    for (const alert of await listAlerts(db, { agreementId: agreement.agreementId })) {
      if (inYear(alert)) alerts.set(alert.alertId, alert);
    }
  }
  const partial = {
    financialYear,
    boards: [...boards.values()],
    agreements,
    agreementsWithoutBoard: agreements.filter((a) => a.boardIds.length === 0).map((a) => a.agreementId),
    agreementsPastReviewDate: agreements.filter((a) => a.pastReviewDate).map((a) => a.agreementId),
  };
  return {
    body: { id: body.id, name: body.name, policingBody: dated?.known ? dated.policingBody : null },
    periodStart,
    periodEnd,
    asOf,
    ...partial,
    alerts: [...alerts.values()],
    findings: statementFindings(partial),
    status: worst(partial.boards.map((b) => b.status)),
  };
}

const CSV_COLUMNS = [
  'agreementId',
  'agreementTitle',
  'legalBasis',
  'memberFrom',
  'memberUntil',
  'reviewDue',
  'pastReviewDate',
  'boardId',
  'boardName',
  'status',
  'scheduled',
  'held',
  'quorate',
  'cancelled',
  'cancelledNotRearranged',
  'reasons',
  'forecastPence',
  'realisedPence',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
export const csvField = (value: string | number | boolean | null): string => {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per agreement and overseeing board (one row with empty board columns when there is none), then the findings. */
export function governanceStatementCsv(statement: GovernanceStatement): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const agreement of statement.agreements) {
    const boards = statement.boards.filter((b) => agreement.boardIds.includes(b.boardId));
    for (const board of boards.length > 0 ? boards : [null]) {
      const row: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> = {
        agreementId: agreement.agreementId,
        agreementTitle: agreement.title,
        legalBasis: agreement.legalBasis,
        memberFrom: agreement.memberFrom,
        memberUntil: agreement.memberUntil,
        reviewDue: agreement.reviewDue,
        pastReviewDate: agreement.pastReviewDate,
        boardId: board?.boardId ?? null,
        boardName: board?.name ?? null,
        status: board?.status ?? null,
        scheduled: board?.counts.scheduled ?? null,
        held: board?.counts.held ?? null,
        quorate: board?.counts.quorate ?? null,
        cancelled: board?.counts.cancelled ?? null,
        cancelledNotRearranged: board?.counts.cancelledNotRearranged ?? null,
        reasons: board ? board.reasons.join(' ') : null,
        forecastPence: agreement.savings?.forecastPence ?? null,
        realisedPence: agreement.savings?.realisedPence ?? null,
      };
      lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
