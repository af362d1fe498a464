import { addDays, daysBetween } from '#domain';
import { condition, isGoverning, todayOf, type BoardFacts, type Condition } from './condition.js';

/**
 * Red: no meeting held for more than `maxDaysBetweenMeetings` days, counted from the last meeting
 * held, or from the board's establishment when it has never met. An inquorate meeting was still
 * held (it has its own alert). Exactly `maxDaysBetweenMeetings` days is still within the terms.
 */
export const meetingOverdue = (facts: BoardFacts, now: Date): Condition[] => {
  if (!isGoverning(facts)) return [];
  const { board } = facts;
  const lastHeldOn = [...board.meetings.values()]
    .map((meeting) => meeting.heldOn)
    .filter((heldOn): heldOn is string => heldOn !== null)
    .sort()
    .at(-1);
  const since = lastHeldOn ?? board.establishedOn;
  if (since === null) return [];
  const max = board.terms.maxDaysBetweenMeetings;
  if (daysBetween(since, todayOf(now)) <= max) return [];
  const from = lastHeldOn ? `its last meeting on ${since}` : `it was established on ${since}, and it has never met`;
  return [
    condition(
      'meeting-overdue',
      'red',
      { boardId: board.boardId },
      `The ${board.name} has held no meeting since ${from}: its terms of reference allow at most ${max} days between meetings.`,
      addDays(since, max + 1),
    ),
  ];
};
