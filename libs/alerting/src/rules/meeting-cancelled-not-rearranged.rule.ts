import { addDays, daysBetween } from '#domain';
import { condition, isGoverning, todayOf, type BoardFacts, type Condition } from './condition.js';

/**
 * Red: a meeting cancelled more than `rearrangeWithinDays` days ago (the board's terms, default 28)
 * and still cancelled. On the last day of the period the board is still in time; the day after, it
 * is not. Rearranging the meeting (BoardMeetingRearranged puts it back in the diary) clears it.
 * The case in seeds/003: Hampshire/TVP board meetings "cancelled and not rearranged during 2015/16".
 */
export const meetingCancelledNotRearranged = (facts: BoardFacts, now: Date): Condition[] => {
  if (!isGoverning(facts)) return [];
  const { board } = facts;
  const today = todayOf(now);
  const within = board.terms.rearrangeWithinDays;
  return [...board.meetings.values()]
    .filter((meeting) => meeting.status === 'cancelled' && meeting.cancelledOn !== null)
    .filter((meeting) => daysBetween(meeting.cancelledOn as string, today) > within)
    .map((meeting) => {
      const cancelledOn = meeting.cancelledOn as string;
      return condition(
        'meeting-cancelled-not-rearranged',
        'red',
        { boardId: board.boardId, meetingId: meeting.meetingId },
        `The ${board.name} meeting "${meeting.meetingId}" set for ${meeting.scheduledFor} was cancelled on ${cancelledOn} ` +
          `and not rearranged within ${within} days (by ${addDays(cancelledOn, within)}).`,
        addDays(cancelledOn, within + 1),
      );
    });
};
