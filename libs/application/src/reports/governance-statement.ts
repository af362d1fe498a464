import {
  boardStreamId,
  changeOversightPeriods,
  isBoardEvent,
  longDate,
  membershipNotKnown,
  parseFinancialYear,
  policingBodyOn,
  surelyMemberDuring,
  toCalendarDate,
  type OversightPeriod,
  type PolicingBody,
  type RecordedDatePrecision,
} from '#domain';
import type { EventStore, SqlExecutor } from '#event-store';
import { alertKnownAt, listAlerts, type AlertView } from '#alerting';
import {
  agreementAsOf,
  boardComplianceKnownAt,
  collaborationsDuring,
  collaborationsKnownAt,
  getBoardCompliance,
  getRegisterRow,
  listBoards,
  membershipDates,
  savingsByAgreement,
  type AgreementView,
  type BoardCompliance,
  type BoardSummary,
  type Collaboration,
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
  /**
   * How exactly those days are known (issue 15): a membership the record dates only "by" a day, or whose leaving it
   * gives only to the month; `memberUntilPrecision` is null while a member.
   */
  memberFromPrecision: RecordedDatePrecision;
  memberUntilPrecision: RecordedDatePrecision | null;
  /**
   * True when the record says, for every day of the period, whether the body was a party; else false, with the
   * reason in `notKnownBecause` (e.g. "…became a member by 24 August 2017: whether it was a member during 2016/17 is
   * not known."). `memberDuringYear` is true when it surely was a party on some day of the period, null when the
   * record cannot say it was on any: such an agreement is listed but counts in no finding but its own.
   */
  memberKnown: boolean;
  notKnownBecause: string | null;
  memberDuringYear: true | null;
  reviewDue: string | null;
  /** A review date that fell on or before the end of the period (the agreement was due a review). */
  pastReviewDate: boolean;
  /** The boards that oversaw this agreement at any time during the period (not only those that do now). */
  boardIds: string[];
  /** Savings recorded for the year, in pence; null when none were. */
  savings: { forecastPence: number; realisedPence: number } | null;
}

/** An agreement a board oversaw during the period; from/until only when that changed within it (else null). */
export interface OversightInPeriod {
  agreementId: string;
  /** The day the board took it on, when within the period; null: it oversaw it from before the period began. */
  from: string | null;
  /** The day the board gave it up, when within the period; null: it still oversaw it at the period's end. */
  until: string | null;
}

export interface StatementBoard extends BoardCompliance {
  /** The agreements it oversaw at any time during the period. */
  agreementIds: string[];
  oversight: OversightInPeriod[];
}

/** What a statement needs of a board to know what it oversaw when. */
export type BoardOversightRecord = Pick<BoardSummary, 'boardId' | 'establishedOn' | 'oversight'>;

/**
 * The agreements a board oversaw during a period (`from`..`to`, both days included), from its oversight periods
 * (valid time: an agreement is overseen from the day it was added until the day it was removed, that day not
 * included). Pure: the statement and its tests call it alike.
 */
export function oversightDuring(
  periods: readonly OversightPeriod[],
  { from, to }: { from: string; to: string },
): OversightInPeriod[] {
  return periods
    .filter((p) => p.from <= to && (p.until === null || p.until > from) && (p.until === null || p.until > p.from))
    .map((p) => ({
      agreementId: p.agreementId,
      from: p.from > from ? p.from : null,
      until: p.until !== null && p.until <= to ? p.until : null,
    }));
}

export interface GovernanceStatement {
  body: { id: string; name: string; policingBody: PolicingBody | null };
  financialYear: string;
  periodStart: string;
  periodEnd: string;
  asOf: string;
  /** Transaction time asked about: only what had been recorded by then (null: everything recorded). */
  knownAt: string | null;
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
  const unknown = statement.agreements.filter((a) => a.memberDuringYear === null);
  if (unknown.length > 0) {
    findings.push(
      `The record cannot say whether the body was a party during ${year} to ${plural(unknown.length, 'agreement', 'agreements')} it dates only later or less exactly: ${listOf(unknown.map((a) => a.title))}.`,
    );
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

/** Where a statement reads its figures: the read models as they stand, or the streams replayed to a `knownAt`. */
interface StatementSource {
  /** The body's membership intervals overlapping the period, by title then agreement id then start. */
  memberships(
    bodyId: string,
    period: { from: string; to: string },
  ): Promise<
    Pick<
      Collaboration,
      | 'agreementId'
      | 'title'
      | 'legalBasis'
      | 'memberFrom'
      | 'memberUntil'
      | 'memberFromPrecision'
      | 'memberUntilPrecision'
    >[]
  >;
  reviewDue(agreementId: string): Promise<string | null>;
  savings(agreementId: string): Promise<StatementAgreement['savings']>;
  /** Every board, with its oversight as the source knows it (at `knownAt`, when asked). */
  boards(): Promise<BoardOversightRecord[]>;
  compliance(boardId: string): Promise<BoardCompliance | null>;
  alerts(filter: { boardId: string } | { agreementId: string }): Promise<AlertView[]>;
}

function readModels(
  db: SqlExecutor,
  { financialYear, asOf }: { financialYear: string; asOf: string },
): StatementSource {
  return {
    memberships: (bodyId, period) => collaborationsDuring(db, bodyId, period),
    reviewDue: async (agreementId) => (await getRegisterRow(db, agreementId))?.reviewDue ?? null,
    savings: async (agreementId) => {
      const [row] = await savingsByAgreement(db, { agreementId, financialYear });
      return row ? { forecastPence: row.forecastPence, realisedPence: row.realisedPence } : null;
    },
    boards: () => listBoards(db),
    compliance: (boardId) => getBoardCompliance(db, boardId, { financialYear, asOf }),
    alerts: (filter) => listAlerts(db, filter),
  };
}

/**
 * The same figures as the record stood at `knownAt` (transaction time): each agreement, board and alert replayed
 * from its own stream through the read models' own folds, keeping only events recorded by then. The read models
 * only name the candidates (every agreement the body was ever a member of, the boards that name it, their alerts):
 * a link among them is fixed when first recorded, and one not yet recorded at `knownAt` replays to nothing.
 */
/** `2016-03-31` → its last instant; a date-time as it is. */
const endOfDay = (knownAt: string): string => (knownAt.length === 10 ? `${knownAt}T23:59:59.999Z` : knownAt);

function replayedTo(
  db: SqlExecutor,
  store: Pick<EventStore, 'readStream'>,
  { financialYear, asOf, knownAt }: { financialYear: string; asOf: string; knownAt: string },
): StatementSource {
  const agreements = new Map<string, Promise<AgreementView | null>>();
  const agreement = (agreementId: string): Promise<AgreementView | null> => {
    let replayed = agreements.get(agreementId);
    if (!replayed) {
      replayed = agreementAsOf(store, agreementId, { knownAt });
      agreements.set(agreementId, replayed);
    }
    return replayed;
  };
  return {
    memberships: (bodyId, { from, to }) => collaborationsKnownAt(db, store, bodyId, { from, to, knownAt }, agreement),
    reviewDue: async (agreementId) => (await agreement(agreementId))?.reviewDue ?? null,
    savings: async (agreementId) => {
      const figures = (await agreement(agreementId))?.savings.find((s) => s.financialYear === financialYear);
      return figures ? { forecastPence: figures.forecastPence ?? 0, realisedPence: figures.realisedPence ?? 0 } : null;
    },
    // The read model names every board; each one's oversight is replayed from its stream to `knownAt`.
    boards: async () => {
      const recordedUntil = Date.parse(endOfDay(knownAt));
      const known: BoardOversightRecord[] = [];
      for (const candidate of await listBoards(db)) {
        let establishedOn: string | null = null;
        let oversight: OversightPeriod[] = [];
        for (const event of await store.readStream(boardStreamId(candidate.boardId))) {
          if (!isBoardEvent(event) || Date.parse(event.recordedAt) > recordedUntil) continue;
          const on = toCalendarDate(event.occurredAt);
          if (event.type === 'GovernanceBoardEstablished' && establishedOn === null) {
            establishedOn = on;
            oversight = event.data.agreementIds.map((agreementId) => ({ agreementId, from: on, until: null }));
          } else if (event.type === 'BoardOversightChanged' && establishedOn !== null) {
            oversight = changeOversightPeriods(oversight, event.data, on);
          }
        }
        if (establishedOn !== null) known.push({ boardId: candidate.boardId, establishedOn, oversight });
      }
      return known;
    },
    compliance: async (boardId) => {
      const replayed = await boardComplianceKnownAt(store, boardId, { financialYear, asOf, knownAt });
      if (!replayed) return null;
      const { replay: _replay, ...compliance } = replayed;
      return compliance;
    },
    alerts: async (filter) => {
      const known: AlertView[] = [];
      for (const candidate of await listAlerts(db, filter)) {
        const alert = await alertKnownAt(store, candidate.alertId, knownAt);
        if (alert) known.push(alert);
      }
      return known;
    },
  };
}

/**
 * The governance statement of a body (a police force, by its id) for one financial year, as the record stood on
 * `asOf` (valid time; facts after it are left out). Null when `financialYear` is malformed (the HTTP layer
 * validates it first). Reads the membership, register, board-compliance, savings and alerts read models; with
 * `knownAt` (transaction time: only what had been recorded by then), replays the streams instead (`replayedTo`).
 */
export async function buildGovernanceStatement(
  db: SqlExecutor,
  body: { id: string; name: string },
  options: { financialYear: string; asOf: string; knownAt?: string | null },
  store?: Pick<EventStore, 'readStream'>,
): Promise<GovernanceStatement | null> {
  const span = parseFinancialYear(options.financialYear);
  if (!span) return null;
  const { asOf, financialYear } = options;
  const knownAt = options.knownAt ?? null;
  if (knownAt !== null && !store) throw new Error('A governance statement known at a time needs the event store.');
  const source =
    knownAt !== null && store ? replayedTo(db, store, { financialYear, asOf, knownAt }) : readModels(db, options);
  const periodStart = span.start;
  const periodEnd = asOf < span.end ? asOf : span.end;
  const dated = policingBodyOn(body.id, periodEnd);

  // asOf in early 0001 falls in year 0000-01, which starts on a day PostgreSQL does not have: no day before 0001 exists.
  const from = periodStart < '0001-01-01' ? '0001-01-01' : periodStart;
  const memberships = periodEnd < periodStart ? [] : await source.memberships(body.id, { from, to: periodEnd });
  const byAgreement = new Map<string, StatementAgreement>();
  const boards = new Map<string, StatementBoard>();
  // What each board oversaw during the year, by the oversight then (not now): a board is listed with an agreement
  // it oversaw on any day of the year.
  const inYear = new Map<string, OversightInPeriod[]>();
  for (const board of periodEnd < periodStart ? [] : await source.boards()) {
    if (board.establishedOn > periodEnd) continue;
    const during = oversightDuring(board.oversight, { from: periodStart, to: periodEnd });
    if (during.length > 0) inYear.set(board.boardId, during);
  }
  const overseeing = (agreementId: string): string[] =>
    [...inYear].filter(([, during]) => during.some((o) => o.agreementId === agreementId)).map(([id]) => id);
  const period = { from, to: periodEnd };
  const asked = `during ${slashYear(financialYear)}`;
  for (const membership of memberships) {
    // How exactly the record knows this interval, for the year (issue 15: the domain's rule, date-precision.ts).
    const dates = membershipDates(membership);
    const notKnownBecause = membershipNotKnown(dates, period, asked);
    const surely = surelyMemberDuring(dates, period);
    const known = byAgreement.get(membership.agreementId);
    if (known) {
      // A later interval of the same agreement (the body left and joined again).
      known.memberUntil = membership.memberUntil;
      known.memberUntilPrecision = membership.memberUntilPrecision;
      known.memberKnown &&= notKnownBecause === null;
      known.notKnownBecause = [known.notKnownBecause, notKnownBecause].filter((r) => r !== null).join(' ') || null;
      if (surely) known.memberDuringYear = true;
      continue;
    }
    const boardIds = overseeing(membership.agreementId);
    for (const boardId of boardIds) {
      if (boards.has(boardId)) continue;
      const compliance = await source.compliance(boardId);
      const during = inYear.get(boardId) ?? [];
      if (compliance) {
        const agreementIds = [...new Set(during.map((o) => o.agreementId))];
        boards.set(boardId, { ...compliance, agreementIds, oversight: during });
      }
    }
    const reviewDue = await source.reviewDue(membership.agreementId);
    byAgreement.set(membership.agreementId, {
      agreementId: membership.agreementId,
      title: membership.title,
      legalBasis: membership.legalBasis,
      memberFrom: membership.memberFrom,
      memberUntil: membership.memberUntil,
      memberFromPrecision: membership.memberFromPrecision,
      memberUntilPrecision: membership.memberUntilPrecision,
      memberKnown: notKnownBecause === null,
      notKnownBecause,
      memberDuringYear: surely ? true : null,
      reviewDue,
      pastReviewDate: reviewDue !== null && reviewDue <= periodEnd,
      boardIds: boardIds.filter((id) => boards.has(id)),
      savings: await source.savings(membership.agreementId),
    });
  }
  const agreements = [...byAgreement.values()];
  // The findings count only agreements the body surely was a party to in the year; the others have their own.
  const counted = agreements.filter((a) => a.memberDuringYear === true);
  const alertInYear = (alert: AlertView): boolean => {
    const on = alert.breachedOn ?? alert.raisedAt.slice(0, 10);
    return on >= periodStart && on <= periodEnd;
  };
  const alerts = new Map<string, AlertView>();
  for (const boardId of boards.keys()) {
    for (const alert of await source.alerts({ boardId })) if (alertInYear(alert)) alerts.set(alert.alertId, alert);
  }
  for (const agreement of agreements) {
    for (const alert of await source.alerts({ agreementId: agreement.agreementId })) {
      if (alertInYear(alert)) alerts.set(alert.alertId, alert);
    }
  }
  const partial = {
    financialYear,
    boards: [...boards.values()],
    agreements,
    agreementsWithoutBoard: counted.filter((a) => a.boardIds.length === 0).map((a) => a.agreementId),
    agreementsPastReviewDate: counted.filter((a) => a.pastReviewDate).map((a) => a.agreementId),
  };
  return {
    body: { id: body.id, name: body.name, policingBody: dated?.known ? dated.policingBody : null },
    periodStart,
    periodEnd,
    asOf,
    knownAt,
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
  'memberFromPrecision',
  'memberUntilPrecision',
  'memberKnown',
  'notKnownBecause',
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
  'overseenFrom',
  'overseenUntil',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
export const csvField = (value: string | number | boolean | null): string => {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * One row per agreement and board that oversaw it during the period (one row with empty board columns when there
 * is none); `overseenFrom`/`overseenUntil` are filled when that oversight began or ended within the period.
 */
export function governanceStatementCsv(statement: GovernanceStatement): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const agreement of statement.agreements) {
    const boards = statement.boards.filter((b) => agreement.boardIds.includes(b.boardId));
    for (const board of boards.length > 0 ? boards : [null]) {
      // Empty unless the board took the agreement on or gave it up within the period (`; ` between periods).
      const periods = board?.oversight.filter((o) => o.agreementId === agreement.agreementId) ?? [];
      const days = (which: 'from' | 'until') =>
        periods.some((o) => o[which] !== null) ? periods.map((o) => o[which] ?? '').join('; ') : null;
      const row: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> = {
        agreementId: agreement.agreementId,
        agreementTitle: agreement.title,
        legalBasis: agreement.legalBasis,
        memberFrom: agreement.memberFrom,
        memberUntil: agreement.memberUntil,
        memberFromPrecision: agreement.memberFromPrecision,
        memberUntilPrecision: agreement.memberUntilPrecision,
        memberKnown: agreement.memberKnown,
        notKnownBecause: agreement.notKnownBecause,
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
        overseenFrom: days('from'),
        overseenUntil: days('until'),
      };
      lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
