import type { DomainEvent } from '../kernel/decider.js';
import type { Attendee, BoardAccountability, QuorumByRole } from './board.commands.js';

export const boardStreamId = (boardId: string): string => `board-${boardId}`;

/** Terms of reference the compliance rules are checked against. */
export interface BoardTerms {
  chair: string;
  maxDaysBetweenMeetings: number;
  /** Number of distinct bodies that must attend for a meeting to be quorate. */
  quorum: number;
  /** A cancelled meeting must be rearranged within this many days of the cancellation. */
  rearrangeWithinDays: number;
}

export type GovernanceBoardEstablished = DomainEvent<
  'GovernanceBoardEstablished',
  { boardId: string; name: string; agreementIds: string[] } & BoardTerms
>;

/** Carries the whole terms after the change and which of them changed. */
export type BoardTermsChanged = DomainEvent<
  'BoardTermsChanged',
  { boardId: string; changed: (keyof BoardTerms)[] } & BoardTerms
>;

/** The board's kind, members and quorum by role from this day on (the whole profile, not a delta). */
export type BoardAccountabilitySet = DomainEvent<'BoardAccountabilitySet', { boardId: string } & BoardAccountability>;

/** An agreement added to or removed from those the board oversees, from the day it happened. */
export type BoardOversightChanged = DomainEvent<
  'BoardOversightChanged',
  { boardId: string; agreementId: string; change: 'added' | 'removed'; agreementIds: string[] }
>;

export type BoardMeetingScheduled = DomainEvent<
  'BoardMeetingScheduled',
  { boardId: string; meetingId: string; scheduledFor: string }
>;

export type BoardMeetingHeld = DomainEvent<
  'BoardMeetingHeld',
  {
    boardId: string;
    meetingId: string;
    heldOn: string;
    scheduledFor: string;
    attendees: Attendee[];
    /** Computed when recorded, against the quorum (and quorum by role) in force then. */
    quorate: boolean;
    quorum: number;
    /** Version 2: the quorum by role in force then. Version 1 (no roles) is read as none ({}). */
    quorumByRole?: QuorumByRole;
  }
>;

export type BoardMeetingCancelled = DomainEvent<
  'BoardMeetingCancelled',
  { boardId: string; meetingId: string; reason: string; scheduledFor: string }
>;

export type BoardMeetingRearranged = DomainEvent<
  'BoardMeetingRearranged',
  {
    boardId: string;
    meetingId: string;
    previousDate: string;
    newDate: string;
    /** True when this rearrangement puts a cancelled meeting back in the diary. */
    wasCancelled: boolean;
  }
>;

export type BoardEvent =
  | GovernanceBoardEstablished
  | BoardTermsChanged
  | BoardAccountabilitySet
  | BoardOversightChanged
  | BoardMeetingScheduled
  | BoardMeetingHeld
  | BoardMeetingCancelled
  | BoardMeetingRearranged;

const boardEventTypes = {
  GovernanceBoardEstablished: true,
  BoardTermsChanged: true,
  BoardAccountabilitySet: true,
  BoardOversightChanged: true,
  BoardMeetingScheduled: true,
  BoardMeetingHeld: true,
  BoardMeetingCancelled: true,
  BoardMeetingRearranged: true,
} satisfies Record<BoardEvent['type'], true>;

export const BOARD_EVENT_TYPES = Object.keys(boardEventTypes) as BoardEvent['type'][];

export const isBoardEvent = (event: { type: string }): event is BoardEvent =>
  Object.hasOwn(boardEventTypes, event.type);
