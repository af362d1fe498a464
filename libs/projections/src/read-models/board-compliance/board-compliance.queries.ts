import type { Attendee, BoardAccountability, OversightPeriod } from '#domain';
import type { SqlExecutor } from '#event-store';
import type { PageWindow } from '../shared.js';
import {
  assessBoardCompliance,
  type BoardCompliance,
  type BoardRecord,
  type BoardTermsRecord,
} from './assess-board-compliance.js';
import {
  meetingFactOf,
  termsRecordOf,
  type BoardRow,
  type BoardTermsRow,
  type MeetingFactRow,
} from './board-compliance.projection.js';

export interface BoardSummary extends BoardRecord {
  terms: Omit<BoardTermsRecord, 'effectiveOn'>;
  /** Kind, members and quorum by role; null for a board whose accountability was never recorded. */
  accountability: BoardAccountability | null;
  /** Every agreement it has overseen, from and until when (until null: still overseen). */
  oversight: OversightPeriod[];
}

export interface BoardMeeting {
  boardId: string;
  meetingId: string;
  scheduledFor: string;
  status: 'scheduled' | 'held' | 'cancelled';
  heldOn: string | null;
  quorate: boolean | null;
  attendees: Attendee[] | null;
  cancelledOn: string | null;
  cancellationReason: string | null;
  rearrangedTo: string | null;
}

const toBoard = (r: BoardRow): BoardSummary => ({
  boardId: r.board_id,
  name: r.name,
  agreementIds: r.agreement_ids,
  establishedOn: r.established_on,
  terms: {
    chair: r.chair,
    maxDaysBetweenMeetings: Number(r.max_days_between_meetings),
    quorum: Number(r.quorum),
    rearrangeWithinDays: Number(r.rearrange_within_days),
  },
  accountability:
    r.kind === null
      ? null
      : {
          kind: r.kind as BoardAccountability['kind'],
          members: r.members as BoardAccountability['members'],
          quorumByRole: r.quorum_by_role as BoardAccountability['quorumByRole'],
        },
  oversight: r.oversight,
});

const BOARD_COLUMNS =
  'board_id, name, agreement_ids, established_on, chair, max_days_between_meetings, quorum, rearrange_within_days, kind, members, quorum_by_role, oversight';

/** Boards by name (then id), optionally those overseeing one agreement; with `page`, the rows after `page.after`. */
export async function listBoards(
  db: SqlExecutor,
  filter: { agreementId?: string } = {},
  page?: PageWindow,
): Promise<BoardSummary[]> {
  const { rows } = await db.query<BoardRow>(
    `SELECT ${BOARD_COLUMNS} FROM boards
      WHERE ($1::text IS NULL OR $1 = ANY (agreement_ids))
        AND ($2::text IS NULL OR (lower(name), board_id) > (SELECT lower(b.name), b.board_id FROM boards b WHERE b.board_id = $2))
      ORDER BY lower(name), board_id
      LIMIT $3`,
    [filter.agreementId ?? null, page?.after?.[0] ?? null, page?.limit ?? null],
  );
  return rows.map(toBoard);
}

export async function getBoard(db: SqlExecutor, boardId: string): Promise<BoardSummary | null> {
  const { rows } = await db.query<BoardRow>(`SELECT ${BOARD_COLUMNS} FROM boards WHERE board_id = $1`, [boardId]);
  return rows[0] ? toBoard(rows[0]) : null;
}

/** The board's meetings as they stand, by date. */
export async function listBoardMeetings(db: SqlExecutor, boardId: string): Promise<BoardMeeting[]> {
  const { rows } = await db.query<{
    board_id: string;
    meeting_id: string;
    scheduled_for: string;
    status: BoardMeeting['status'];
    held_on: string | null;
    quorate: boolean | null;
    attendees: BoardMeeting['attendees'];
    cancelled_on: string | null;
    cancellation_reason: string | null;
    rearranged_to: string | null;
  }>(
    `SELECT board_id, meeting_id, scheduled_for, status, held_on, quorate, attendees, cancelled_on, cancellation_reason, rearranged_to
       FROM board_meetings WHERE board_id = $1 ORDER BY scheduled_for, meeting_id`,
    [boardId],
  );
  return rows.map((r) => ({
    boardId: r.board_id,
    meetingId: r.meeting_id,
    scheduledFor: r.scheduled_for,
    status: r.status,
    heldOn: r.held_on,
    quorate: r.quorate,
    attendees: r.attendees,
    cancelledOn: r.cancelled_on,
    cancellationReason: r.cancellation_reason,
    rearrangedTo: r.rearranged_to,
  }));
}

/**
 * Compliance of one board for a financial year (`2015-16`) as of a date (`YYYY-MM-DD`: facts that
 * happened later are left out); null when there is no such board. An invalid year is a ValidationError.
 */
export async function getBoardCompliance(
  db: SqlExecutor,
  boardId: string,
  options: { financialYear: string; asOf: string },
): Promise<BoardCompliance | null> {
  const board = await getBoard(db, boardId);
  if (!board) return null;
  const terms = await db.query<Omit<BoardTermsRow, 'board_id' | 'position'>>(
    'SELECT effective_on, chair, max_days_between_meetings, quorum, rearrange_within_days FROM board_terms WHERE board_id = $1 ORDER BY position',
    [boardId],
  );
  const facts = await db.query<Omit<MeetingFactRow, 'board_id' | 'position'>>(
    'SELECT meeting_id, what, occurred_on, scheduled_for, quorate, reason FROM board_meeting_facts WHERE board_id = $1 ORDER BY position',
    [boardId],
  );
  return assessBoardCompliance(board, terms.rows.map(termsRecordOf), facts.rows.map(meetingFactOf), options);
}
