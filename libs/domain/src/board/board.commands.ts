import type { Command } from '../kernel/decider.js';

export const DEFAULT_REARRANGE_WITHIN_DAYS = 28;

/** The roles a board member or attendee holds (s22A(3): chief officers and policing bodies make agreements). */
export const MEMBER_ROLES = ['pcc', 'chief-officer', 'other'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * What a board is for: a joint accountability board where the policing bodies (PCCs) hold the chiefs to account,
 * a chief officers' board that runs the collaboration, or a programme board that delivers a change.
 */
export const BOARD_KINDS = ['joint-accountability', 'chief-officers', 'programme'] as const;
export type BoardKind = (typeof BOARD_KINDS)[number];

export interface BoardMember {
  role: MemberRole;
  /** A name or a post ("Chief Constable of Thames Valley Police"). */
  name: string;
  /** Id of the body the member represents. */
  body: string;
}

/** How many distinct bodies represented in each role must attend (on top of the overall quorum). */
export type QuorumByRole = Partial<Record<MemberRole, number>>;

export interface Attendee {
  name: string;
  /** Id of the body the attendee represents; quorum counts distinct bodies. */
  body: string;
  /** The role they attended in; counted against the quorum by role. Absent on meetings recorded before roles. */
  role?: MemberRole;
}

/** Who the board is: its kind, its members by role, and its quorum by role (the whole profile after the change). */
export interface BoardAccountability {
  kind: BoardKind;
  members: BoardMember[];
  quorumByRole: QuorumByRole;
}

export type EstablishBoard = Command<
  'EstablishBoard',
  {
    boardId: string;
    name: string;
    /** The agreements the board oversees; `exists` is checked by the handler. */
    agreements: { agreementId: string; exists: boolean }[];
    chair: string;
    maxDaysBetweenMeetings: number;
    quorum: number;
    rearrangeWithinDays?: number | null;
    /** Kind, members and quorum by role; when given, recorded at once as the board's accountability. */
    accountability?: Partial<BoardAccountability> | null;
    occurredAt: string;
  }
>;

/** Records the board's kind, members and quorum by role (replacing the previous ones). */
export type SetBoardAccountability = Command<
  'SetBoardAccountability',
  { boardId: string; accountability: Partial<BoardAccountability>; occurredAt: string }
>;

/** Adds an agreement to those the board oversees, or removes one, from a date on. */
export type ChangeBoardOversight = Command<
  'ChangeBoardOversight',
  {
    boardId: string;
    change: 'added' | 'removed';
    /** `exists` is checked by the handler. */
    agreement: { agreementId: string; exists: boolean };
    occurredAt: string;
  }
>;

/** Changes the terms of reference; at least one of the optional fields. */
export type ChangeBoardTerms = Command<
  'ChangeBoardTerms',
  {
    boardId: string;
    maxDaysBetweenMeetings?: number | null;
    quorum?: number | null;
    rearrangeWithinDays?: number | null;
    chair?: string | null;
    occurredAt: string;
  }
>;

/** Recorded at the server's time; `scheduledFor` is the meeting's date (YYYY-MM-DD). */
export type ScheduleMeeting = Command<'ScheduleMeeting', { boardId: string; meetingId: string; scheduledFor: string }>;

export type HoldMeeting = Command<
  'HoldMeeting',
  { boardId: string; meetingId: string; occurredAt: string; attendees: Attendee[] }
>;

export type CancelMeeting = Command<
  'CancelMeeting',
  { boardId: string; meetingId: string; reason: string; occurredAt: string }
>;

/** Moves a scheduled meeting, or puts a cancelled one back in the diary (same meetingId). */
export type RearrangeMeeting = Command<
  'RearrangeMeeting',
  { boardId: string; meetingId: string; newDate: string; occurredAt: string }
>;

export type BoardCommand =
  | EstablishBoard
  | ChangeBoardTerms
  | SetBoardAccountability
  | ChangeBoardOversight
  | ScheduleMeeting
  | HoldMeeting
  | CancelMeeting
  | RearrangeMeeting;
