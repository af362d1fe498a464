import { addDays, daysBetween } from '#domain';
import { condition, isGoverning, todayOf, type BoardFacts, type Condition } from './condition.js';

/** A meeting's outcome may be logged late; after this many days its absence is itself a gap in the record. */
export const OUTCOME_GRACE_DAYS = 7;

/**
 * Amber: a meeting still only "scheduled" more than 7 days after its date, recorded neither as held
 * nor as cancelled. The 7th day after is still within grace; the 8th is not.
 */
export const meetingOutcomeMissing = (facts: BoardFacts, now: Date): Condition[] => {
  if (!isGoverning(facts)) return [];
  const { board } = facts;
  const today = todayOf(now);
  return [...board.meetings.values()]
    .filter(
      (meeting) => meeting.status === 'scheduled' && daysBetween(meeting.scheduledFor, today) > OUTCOME_GRACE_DAYS,
    )
    .map((meeting) =>
      condition(
        'meeting-outcome-missing',
        'amber',
        { boardId: board.boardId, meetingId: meeting.meetingId },
        `The ${board.name} meeting "${meeting.meetingId}" was set for ${meeting.scheduledFor}, and more than ` +
          `${OUTCOME_GRACE_DAYS} days later it is recorded neither as held nor as cancelled.`,
        addDays(meeting.scheduledFor, OUTCOME_GRACE_DAYS + 1),
      ),
    );
};
