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
import type { SqlProjection } from '../../sql-projection.js';
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
  async apply({ tx, t }, event) {
    if (namesNoMeeting(event)) return;
    const on = dayOf(event);
    const fact = (
      meetingId: string,
      what: string,
      scheduledFor: string,
      extra: { quorate?: boolean; reason?: string } = {},
    ) =>
      tx.query(
        `INSERT INTO ${t('board_meeting_facts')} (board_id, position, meeting_id, what, occurred_on, scheduled_for, quorate, reason)
         VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8) ON CONFLICT (board_id, position) DO NOTHING`,
        [
          (event.data as { boardId: string }).boardId,
          positionKey(event.position),
          meetingId,
          what,
          on,
          scheduledFor,
          extra.quorate ?? null,
          extra.reason ?? null,
        ],
      );
    const terms = async (data: GovernanceBoardEstablished['data'] | BoardTermsChanged['data']) => {
      await tx.query(
        `INSERT INTO ${t('board_terms')} (board_id, position, effective_on, chair, max_days_between_meetings, quorum, rearrange_within_days)
         VALUES ($1, $2, $3::date, $4, $5, $6, $7) ON CONFLICT (board_id, position) DO NOTHING`,
        [
          data.boardId,
          positionKey(event.position),
          on,
          data.chair,
          data.maxDaysBetweenMeetings,
          data.quorum,
          data.rearrangeWithinDays,
        ],
      );
      await tx.query(
        `UPDATE ${t('boards')} SET chair = $2, max_days_between_meetings = $3, quorum = $4, rearrange_within_days = $5 WHERE board_id = $1`,
        [data.boardId, data.chair, data.maxDaysBetweenMeetings, data.quorum, data.rearrangeWithinDays],
      );
    };
    switch (event.type) {
      case 'GovernanceBoardEstablished': {
        const data = dataOf<GovernanceBoardEstablished>(event);
        await tx.query(
          `INSERT INTO ${t('boards')} (board_id, name, agreement_ids, established_on, chair, max_days_between_meetings, quorum, rearrange_within_days, oversight)
           VALUES ($1, $2, $3::text[], $4::date, $5, $6, $7, $8, $9::jsonb) ON CONFLICT (board_id) DO NOTHING`,
          [
            data.boardId,
            data.name,
            data.agreementIds,
            on,
            data.chair,
            data.maxDaysBetweenMeetings,
            data.quorum,
            data.rearrangeWithinDays,
            JSON.stringify(data.agreementIds.map((agreementId) => ({ agreementId, from: on, until: null }))),
          ],
        );
        await terms(data);
        return;
      }
      case 'BoardTermsChanged':
        await terms(dataOf<BoardTermsChanged>(event));
        return;
      case 'BoardAccountabilitySet': {
        const { boardId, kind, members, quorumByRole } = dataOf<BoardAccountabilitySet>(event);
        await tx.query(
          `UPDATE ${t('boards')} SET kind = $2, members = $3::jsonb, quorum_by_role = $4::jsonb WHERE board_id = $1`,
          [boardId, kind, JSON.stringify(members), JSON.stringify(quorumByRole)],
        );
        return;
      }
      case 'BoardOversightChanged': {
        const data = dataOf<BoardOversightChanged>(event);
        const { rows } = await tx.query<{ oversight: OversightPeriod[] }>(
          `SELECT oversight FROM ${t('boards')} WHERE board_id = $1`,
          [data.boardId],
        );
        if (!rows[0]) return;
        await tx.query(
          `UPDATE ${t('boards')} SET agreement_ids = $2::text[], oversight = $3::jsonb WHERE board_id = $1`,
          [data.boardId, data.agreementIds, JSON.stringify(changeOversightPeriods(rows[0].oversight, data, on))],
        );
        return;
      }
      case 'BoardMeetingScheduled': {
        const { boardId, meetingId, scheduledFor } = dataOf<BoardMeetingScheduled>(event);
        await tx.query(
          `INSERT INTO ${t('board_meetings')} (board_id, meeting_id, scheduled_for, status) VALUES ($1, $2, $3::date, 'scheduled')
           ON CONFLICT (board_id, meeting_id) DO NOTHING`,
          [boardId, meetingId, scheduledFor],
        );
        await fact(meetingId, 'scheduled', scheduledFor);
        return;
      }
      case 'BoardMeetingHeld': {
        const { boardId, meetingId, heldOn, quorate, attendees, scheduledFor } = dataOf<BoardMeetingHeld>(event);
        await tx.query(
          `UPDATE ${t('board_meetings')} SET status = 'held', held_on = $3::date, quorate = $4, attendees = $5::jsonb
            WHERE board_id = $1 AND meeting_id = $2`,
          [boardId, meetingId, heldOn, quorate, JSON.stringify(attendees)],
        );
        await fact(meetingId, 'held', scheduledFor, { quorate });
        return;
      }
      case 'BoardMeetingCancelled': {
        const { boardId, meetingId, reason, scheduledFor } = dataOf<BoardMeetingCancelled>(event);
        await tx.query(
          `UPDATE ${t('board_meetings')} SET status = 'cancelled', cancelled_on = $3::date, cancellation_reason = $4
            WHERE board_id = $1 AND meeting_id = $2`,
          [boardId, meetingId, on, reason],
        );
        await fact(meetingId, 'cancelled', scheduledFor, { reason });
        return;
      }
      case 'BoardMeetingRearranged': {
        const { boardId, meetingId, newDate } = dataOf<BoardMeetingRearranged>(event);
        await tx.query(
          `UPDATE ${t('board_meetings')} SET status = 'scheduled', scheduled_for = $3::date, rearranged_to = $3::date
            WHERE board_id = $1 AND meeting_id = $2`,
          [boardId, meetingId, newDate],
        );
        await fact(meetingId, 'rearranged', newDate);
        return;
      }
    }
  },
  async applyBatch({ tx, t }, batch) {
    const events = batch.filter((event) => !namesNoMeeting(event));
    const boardIdOf = (event: StoredEvent): string => (event.data as { boardId: string }).boardId;
    const meetingKey = (boardId: string, meetingId: string): string => JSON.stringify([boardId, meetingId]);
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
    const dirtyBoards = new Set<BoardRow>();
    const dirtyMeetings = new Set<MeetingRow>();
    const terms: Record<string, unknown>[] = [];
    const facts: Record<string, unknown>[] = [];
    for (const event of events) {
      const on = dayOf(event);
      const fact = (
        meetingId: string,
        what: string,
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
    await writeRows(tx, t('boards'), BOARD_COLUMNS, ['board_id'], [...dirtyBoards], 'update');
    await writeRows(tx, t('board_terms'), TERMS_COLUMNS, ['board_id', 'position'], terms, 'nothing');
    await writeRows(tx, t('board_meetings'), MEETING_COLUMNS, ['board_id', 'meeting_id'], [...dirtyMeetings], 'update');
    await writeRows(tx, t('board_meeting_facts'), FACT_COLUMNS, ['board_id', 'position'], facts, 'nothing');
  },
};
