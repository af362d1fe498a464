import { condition, isGoverning, type BoardFacts, type Condition } from './condition.js';

/**
 * Amber: a meeting held without its quorum (judged when the meeting was recorded, against the quorum
 * then in force). Nothing later changes that fact, so the alert stays until the board is wound up;
 * acknowledging it is how an officer says it has been dealt with.
 */
export const inquorateMeeting = (facts: BoardFacts, _now: Date): Condition[] => {
  if (!isGoverning(facts)) return [];
  const { board } = facts;
  return [...board.meetings.values()]
    .filter((meeting) => meeting.status === 'held' && meeting.quorate === false)
    .map((meeting) =>
      condition(
        'inquorate-meeting',
        'amber',
        { boardId: board.boardId, meetingId: meeting.meetingId },
        `The ${board.name} meeting "${meeting.meetingId}" held on ${meeting.heldOn} was not quorate: ` +
          'fewer bodies attended than its terms of reference require.',
        meeting.heldOn,
      ),
    );
};
