import type { Command } from '../kernel/decider.js';

export const DEFAULT_REARRANGE_WITHIN_DAYS = 28;

export interface Attendee {
  name: string;
  /** Id of the body the attendee represents; quorum counts distinct bodies. */
  body: string;
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
  EstablishBoard | ChangeBoardTerms | ScheduleMeeting | HoldMeeting | CancelMeeting | RearrangeMeeting;
