import { condition, isGoverning, todayOf, type BoardFacts, type Condition } from './condition.js';

/**
 * Amber: a board overseeing at least one agreement in force has no meeting in its diary from today
 * on (a meeting set for today still counts as ahead: it may yet be held today).
 */
export const noMeetingScheduled = (facts: BoardFacts, now: Date): Condition[] => {
  if (!isGoverning(facts)) return [];
  const { board, agreements } = facts;
  const inForce = agreements.filter(
    (agreement) => agreement.status === 'in-force' && board.agreementIds.includes(agreement.agreementId),
  );
  if (inForce.length === 0) return [];
  const today = todayOf(now);
  const ahead = [...board.meetings.values()].some(
    (meeting) => meeting.status === 'scheduled' && meeting.scheduledFor >= today,
  );
  if (ahead) return [];
  const titles = inForce.map((agreement) => `"${agreement.title}"`).join(', ');
  return [
    condition(
      'no-meeting-scheduled',
      'amber',
      { boardId: board.boardId },
      `The ${board.name} oversees ${titles}, in force, but has no meeting in its diary.`,
    ),
  ];
};
