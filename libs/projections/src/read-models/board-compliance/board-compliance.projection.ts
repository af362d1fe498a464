import {
  changeOversightPeriods,
  type BoardAccountabilitySet,
  type BoardOversightChanged,
  type OversightPeriod,
} from '#domain';
import type {
  BoardMeetingCancelled,
  BoardMeetingHeld,
  BoardMeetingRearranged,
  BoardMeetingScheduled,
  BoardTermsChanged,
  GovernanceBoardEstablished,
} from '#domain';
import { positionKey, type StoredEvent } from '#event-store';
import type { ProjectionContext, SqlProjection } from '../../sql-projection.js';
import type { BoardTermsRecord, MeetingFact } from './assess-board-compliance.js';
import { rowsByIds, writeRows, type Columns } from '../batch-rows.js';
import { dataOf, dayOf } from '../shared.js';

/** A row of the `boards` table, as the projection writes it and the queries read it. */
export interface BoardRow {
  board_id: string;
  name: string;
  agreement_ids: string[];
  established_on: string;
  chair: string;
  max_days_between_meetings: number;
  quorum: number;
  rearrange_within_days: number;
  /** Null until the board's accountability is recorded. */
  kind: string | null;
  members: unknown;
  quorum_by_role: unknown;
  oversight: OversightPeriod[];
}

interface MeetingRow {
  board_id: string;
  meeting_id: string;
  scheduled_for: string;
  status: string;
  held_on: string | null;
  quorate: boolean | null;
  attendees: unknown;
  cancelled_on: string | null;
  cancellation_reason: string | null;
  rearranged_to: string | null;
}

/** A row of `board_terms`: the terms of reference from one establishment or change. */
export interface BoardTermsRow {
  board_id: string;
  position: string;
  effective_on: string;
  chair: string;
  max_days_between_meetings: number;
  quorum: number;
  rearrange_within_days: number;
}

/** A row of `board_meeting_facts`: one meeting event, dated by the day it happened. */
export interface MeetingFactRow {
  board_id: string;
  position: string;
  meeting_id: string;
  what: MeetingFact['what'];
  occurred_on: string;
  scheduled_for: string;
  quorate: boolean | null;
  reason: string | null;
}

/** A `board_terms` row (from SQL or from `evolveBoardRows`) as the compliance assessment reads it. */
export const termsRecordOf = (t: Omit<BoardTermsRow, 'board_id' | 'position'>): BoardTermsRecord => ({
  effectiveOn: t.effective_on,
  chair: t.chair,
  maxDaysBetweenMeetings: Number(t.max_days_between_meetings),
  quorum: Number(t.quorum),
  rearrangeWithinDays: Number(t.rearrange_within_days),
});

/** A `board_meeting_facts` row as the compliance assessment reads it. */
export const meetingFactOf = (f: Omit<MeetingFactRow, 'board_id' | 'position'>): MeetingFact => ({
  meetingId: f.meeting_id,
  what: f.what,
  occurredOn: f.occurred_on,
  scheduledFor: f.scheduled_for,
  quorate: f.quorate,
  reason: f.reason,
});

const BOARD_COLUMNS: Columns = [
  ['board_id', 'text'],
  ['name', 'text'],
  ['agreement_ids', 'text[]'],
  ['established_on', 'date'],
  ['chair', 'text'],
  ['max_days_between_meetings', 'integer'],
  ['quorum', 'integer'],
  ['rearrange_within_days', 'integer'],
  ['kind', 'text'],
  ['members', 'jsonb'],
  ['quorum_by_role', 'jsonb'],
  ['oversight', 'jsonb'],
];
const TERMS_COLUMNS: Columns = [
  ['board_id', 'text'],
  ['position', 'text'],
  ['effective_on', 'date'],
  ['chair', 'text'],
  ['max_days_between_meetings', 'integer'],
  ['quorum', 'integer'],
  ['rearrange_within_days', 'integer'],
];
const MEETING_COLUMNS: Columns = [
  ['board_id', 'text'],
  ['meeting_id', 'text'],
  ['scheduled_for', 'date'],
  ['status', 'text'],
  ['held_on', 'date'],
  ['quorate', 'boolean'],
  ['attendees', 'jsonb'],
  ['cancelled_on', 'date'],
  ['cancellation_reason', 'text'],
  ['rearranged_to', 'date'],
];
const FACT_COLUMNS: Columns = [
  ['board_id', 'text'],
  ['position', 'text'],
  ['meeting_id', 'text'],
  ['what', 'text'],
  ['occurred_on', 'date'],
  ['scheduled_for', 'date'],
  ['quorate', 'boolean'],
  ['reason', 'text'],
];

export const BOARD_COMPLIANCE_EVENTS = [
  'GovernanceBoardEstablished',
  'BoardTermsChanged',
  'BoardAccountabilitySet',
  'BoardOversightChanged',
  'BoardMeetingScheduled',
  'BoardMeetingHeld',
  'BoardMeetingCancelled',
  'BoardMeetingRearranged',
] as const;

/**
 * A meeting event that names no meeting changes nothing, as in the domain's own fold. Builds that
 * looked meetings up in a plain object stored such events for ids like `constructor` (held,
 * cancelled or rearranged, never scheduled); without this they park for good, rebuild or not.
 */
const namesNoMeeting = (event: StoredEvent): boolean =>
  event.type.startsWith('BoardMeeting') && typeof (event.data as { meetingId?: unknown }).meetingId !== 'string';

/**
 * Boards, their terms of reference over time, their meetings as they stand, and every meeting
 * fact with its valid date, so compliance can be judged for any financial year as of any date.
 */
export const boardComplianceProjection: SqlProjection = {
  name: 'board-compliance',
  // 2: positions kept as their positionKey text (any event store), no longer bigint.
  // 3: the board's kind, members and quorum by role, and the agreements it oversees over time.
  version: 3,
  handles: BOARD_COMPLIANCE_EVENTS,
  tables: ['boards', 'board_terms', 'board_meetings', 'board_meeting_facts'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('boards')} (
      board_id text PRIMARY KEY,
      name text NOT NULL,
      agreement_ids text[] NOT NULL,
      established_on date NOT NULL,
      chair text NOT NULL,
      max_days_between_meetings integer NOT NULL,
      quorum integer NOT NULL,
      rearrange_within_days integer NOT NULL,
      kind text,
      members jsonb NOT NULL DEFAULT '[]',
      quorum_by_role jsonb NOT NULL DEFAULT '{}',
      oversight jsonb NOT NULL DEFAULT '[]'
    );
    CREATE TABLE IF NOT EXISTS ${t('board_terms')} (
      board_id text NOT NULL,
      position text COLLATE "C" NOT NULL,
      effective_on date NOT NULL,
      chair text NOT NULL,
      max_days_between_meetings integer NOT NULL,
      quorum integer NOT NULL,
      rearrange_within_days integer NOT NULL,
      PRIMARY KEY (board_id, position)
    );
    CREATE TABLE IF NOT EXISTS ${t('board_meetings')} (
      board_id text NOT NULL,
      meeting_id text NOT NULL,
      scheduled_for date NOT NULL,
      status text NOT NULL,
      held_on date,
      quorate boolean,
      attendees jsonb,
      cancelled_on date,
      cancellation_reason text,
      rearranged_to date,
      PRIMARY KEY (board_id, meeting_id)
    );
    CREATE TABLE IF NOT EXISTS ${t('board_meeting_facts')} (
      board_id text NOT NULL,
      position text COLLATE "C" NOT NULL,
      meeting_id text NOT NULL,
      what text NOT NULL,
      occurred_on date NOT NULL,
      scheduled_for date NOT NULL,
      quorate boolean,
      reason text,
      PRIMARY KEY (board_id, position)
    );
  `,
  apply(ctx, event) {
    return applyBoardBatch(ctx, [event]);
  },
  applyBatch: applyBoardBatch,
};

/** The board-compliance rows of a batch: the rows it touches loaded once, evolved in memory, written set-based. */
async function applyBoardBatch({ tx, t }: ProjectionContext, batch: readonly StoredEvent[]): Promise<void> {
  const events = batch.filter((event) => !namesNoMeeting(event));
  const boardIds = new Set<string>();
  const meetingKeys = new Map<string, [string, string]>();
  for (const event of events) {
    if (!event.type.startsWith('BoardMeeting')) boardIds.add(boardIdOf(event));
    else {
      const { boardId, meetingId } = event.data as { boardId: string; meetingId: string };
      meetingKeys.set(meetingKey(boardId, meetingId), [boardId, meetingId]);
    }
  }
  const boards = new Map<string, BoardRow>();
  for (const row of await rowsByIds<BoardRow>(
    tx,
    t('boards'),
    BOARD_COLUMNS.map(([c]) => c).join(', '),
    'board_id',
    boardIds,
  )) {
    boards.set(row.board_id, {
      ...row,
      max_days_between_meetings: Number(row.max_days_between_meetings),
      quorum: Number(row.quorum),
      rearrange_within_days: Number(row.rearrange_within_days),
    });
  }
  const meetings = new Map<string, MeetingRow>();
  if (meetingKeys.size > 0) {
    const pairs = [...meetingKeys.values()];
    const { rows } = await tx.query<MeetingRow>(
      `SELECT ${MEETING_COLUMNS.map(([c]) => c).join(', ')} FROM ${t('board_meetings')}
        WHERE (board_id, meeting_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [pairs.map(([b]) => b), pairs.map(([, m]) => m)],
    );
    for (const row of rows) meetings.set(meetingKey(row.board_id, row.meeting_id), row);
  }
  const rows: BoardRowsChange = { ...emptyBoardRowsChange(), boards, meetings };
  for (const event of events) evolveBoardRows(rows, event);
  await writeRows(tx, t('boards'), BOARD_COLUMNS, ['board_id'], [...rows.dirtyBoards], 'update');
  await writeRows(tx, t('board_terms'), TERMS_COLUMNS, ['board_id', 'position'], rows.terms, 'nothing');
  await writeRows(
    tx,
    t('board_meetings'),
    MEETING_COLUMNS,
    ['board_id', 'meeting_id'],
    [...rows.dirtyMeetings],
    'update',
  );
  await writeRows(tx, t('board_meeting_facts'), FACT_COLUMNS, ['board_id', 'position'], rows.facts, 'nothing');
}

/** The rows one batch changes: boards and meetings as they stand (loaded or new), and the terms and facts it adds. */
export interface BoardRowsChange {
  boards: Map<string, BoardRow>;
  /** By `meetingKey`. */
  meetings: Map<string, MeetingRow>;
  dirtyBoards: Set<BoardRow>;
  dirtyMeetings: Set<MeetingRow>;
  terms: BoardTermsRow[];
  facts: MeetingFactRow[];
}

const meetingKey = (boardId: string, meetingId: string): string => JSON.stringify([boardId, meetingId]);
const boardIdOf = (event: StoredEvent): string => (event.data as { boardId: string }).boardId;

export const emptyBoardRowsChange = (): BoardRowsChange => ({
  boards: new Map(),
  meetings: new Map(),
  dirtyBoards: new Set(),
  dirtyMeetings: new Set(),
  terms: [],
  facts: [],
});

/**
 * The one derivation of the board-compliance rows from a board event, shared by the projection (a batch or one
 * event) and the transaction-time replay of a board's stream (board-compliance-known-at.ts). A meeting event
 * naming no meeting changes nothing.
 */
export function evolveBoardRows(rows: BoardRowsChange, event: StoredEvent): void {
  if (namesNoMeeting(event)) return;
  const { boards, meetings, dirtyBoards, dirtyMeetings, terms, facts } = rows;
  const on = dayOf(event);
  const fact = (
    meetingId: string,
    what: MeetingFact['what'],
    scheduledFor: string,
    extra: { quorate?: boolean; reason?: string } = {},
  ) =>
    facts.push({
      board_id: boardIdOf(event),
      position: positionKey(event.position),
      meeting_id: meetingId,
      what,
      occurred_on: on,
      scheduled_for: scheduledFor,
      quorate: extra.quorate ?? null,
      reason: extra.reason ?? null,
    });
  const changeTerms = (data: GovernanceBoardEstablished['data'] | BoardTermsChanged['data']) => {
    terms.push({
      board_id: data.boardId,
      position: positionKey(event.position),
      effective_on: on,
      chair: data.chair,
      max_days_between_meetings: data.maxDaysBetweenMeetings,
      quorum: data.quorum,
      rearrange_within_days: data.rearrangeWithinDays,
    });
    const board = boards.get(data.boardId);
    if (!board) return;
    board.chair = data.chair;
    board.max_days_between_meetings = data.maxDaysBetweenMeetings;
    board.quorum = data.quorum;
    board.rearrange_within_days = data.rearrangeWithinDays;
    dirtyBoards.add(board);
  };
  const update = (boardId: string, meetingId: string, change: Partial<MeetingRow>) => {
    const meeting = meetings.get(meetingKey(boardId, meetingId));
    if (!meeting) return;
    Object.assign(meeting, change);
    dirtyMeetings.add(meeting);
  };
  switch (event.type) {
    case 'GovernanceBoardEstablished': {
      const data = dataOf<GovernanceBoardEstablished>(event);
      if (!boards.has(data.boardId)) {
        const board: BoardRow = {
          board_id: data.boardId,
          name: data.name,
          agreement_ids: data.agreementIds,
          established_on: on,
          chair: data.chair,
          max_days_between_meetings: data.maxDaysBetweenMeetings,
          quorum: data.quorum,
          rearrange_within_days: data.rearrangeWithinDays,
          kind: null,
          members: [],
          quorum_by_role: {},
          oversight: data.agreementIds.map((agreementId) => ({ agreementId, from: on, until: null })),
        };
        boards.set(data.boardId, board);
      }
      changeTerms(data);
      break;
    }
    case 'BoardTermsChanged':
      changeTerms(dataOf<BoardTermsChanged>(event));
      break;
    case 'BoardAccountabilitySet': {
      const { boardId, kind, members, quorumByRole } = dataOf<BoardAccountabilitySet>(event);
      const board = boards.get(boardId);
      if (!board) break;
      Object.assign(board, { kind, members, quorum_by_role: quorumByRole });
      dirtyBoards.add(board);
      break;
    }
    case 'BoardOversightChanged': {
      const data = dataOf<BoardOversightChanged>(event);
      const board = boards.get(data.boardId);
      if (!board) break;
      board.agreement_ids = data.agreementIds;
      board.oversight = changeOversightPeriods(board.oversight, data, on);
      dirtyBoards.add(board);
      break;
    }
    case 'BoardMeetingScheduled': {
      const { boardId, meetingId, scheduledFor } = dataOf<BoardMeetingScheduled>(event);
      const key = meetingKey(boardId, meetingId);
      if (!meetings.has(key)) {
        const meeting: MeetingRow = {
          board_id: boardId,
          meeting_id: meetingId,
          scheduled_for: scheduledFor,
          status: 'scheduled',
          held_on: null,
          quorate: null,
          attendees: null,
          cancelled_on: null,
          cancellation_reason: null,
          rearranged_to: null,
        };
        meetings.set(key, meeting);
        dirtyMeetings.add(meeting);
      }
      fact(meetingId, 'scheduled', scheduledFor);
      break;
    }
    case 'BoardMeetingHeld': {
      const { boardId, meetingId, heldOn, quorate, attendees, scheduledFor } = dataOf<BoardMeetingHeld>(event);
      update(boardId, meetingId, { status: 'held', held_on: heldOn, quorate, attendees });
      fact(meetingId, 'held', scheduledFor, { quorate });
      break;
    }
    case 'BoardMeetingCancelled': {
      const { boardId, meetingId, reason, scheduledFor } = dataOf<BoardMeetingCancelled>(event);
      update(boardId, meetingId, { status: 'cancelled', cancelled_on: on, cancellation_reason: reason });
      fact(meetingId, 'cancelled', scheduledFor, { reason });
      break;
    }
    case 'BoardMeetingRearranged': {
      const { boardId, meetingId, newDate } = dataOf<BoardMeetingRearranged>(event);
      update(boardId, meetingId, { status: 'scheduled', scheduled_for: newDate, rearranged_to: newDate });
      fact(meetingId, 'rearranged', newDate);
      break;
    }
  }
}
