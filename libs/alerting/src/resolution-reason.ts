import type { AgreementState, BoardState } from '#domain';
import type { AlertRule, StoredAlertSubject } from '#domain';

/** Why an alert's condition no longer holds, in a sentence, from the facts the evaluation loaded. */
export function resolutionReason(
  rule: AlertRule,
  subject: StoredAlertSubject,
  facts: { board?: BoardState; agreement?: AgreementState; governing?: boolean },
  today: string,
): string {
  const cleared = `No longer detected on ${today}`;
  const { board, agreement } = facts;
  if (board && board.status !== 'established') return `${cleared}: the board is not on record.`;
  if (board && facts.governing === false) return `${cleared}: every agreement the board oversees has terminated.`;
  const meeting = subject.meetingId && board ? board.meetings.get(subject.meetingId) : undefined;
  switch (rule) {
    case 'meeting-cancelled-not-rearranged':
    case 'meeting-outcome-missing':
      if (!meeting) return `${cleared}: the meeting is no longer on record.`;
      if (meeting.status === 'held') return `${cleared}: the meeting is recorded as held on ${meeting.heldOn}.`;
      if (meeting.status === 'cancelled')
        return `${cleared}: the meeting is recorded as cancelled on ${meeting.cancelledOn}.`;
      return `${cleared}: the meeting is now set for ${meeting.scheduledFor}.`;
    case 'meeting-overdue':
      return `${cleared}: the board has met within the time its terms of reference allow.`;
    case 'no-meeting-scheduled':
      return `${cleared}: the board has a meeting in its diary, or no agreement it oversees is in force.`;
    case 'inquorate-meeting':
      return `${cleared}: the board has since held a quorate meeting, or the meeting is no longer recorded as inquorate.`;
    case 'review-overdue':
      if (agreement && agreement.status !== 'in-force')
        return `${cleared}: the agreement is ${agreement.status === 'terminated' ? 'terminated' : 'not in force'}.`;
      return `${cleared}: a review is recorded${agreement?.lastReviewedOn ? ` (on ${agreement.lastReviewedOn})` : ''}, or no review is due.`;
    case 'withdrawal-imminent':
      if (agreement && agreement.status !== 'in-force')
        return `${cleared}: the agreement is ${agreement.status === 'terminated' ? 'terminated' : 'not in force'}.`;
      if (agreement && !agreement.members.some((member) => member.body.id === subject.party)) {
        return `${cleared}: the withdrawal of ${subject.party} is recorded.`;
      }
      return `${cleared}: no withdrawal of ${subject.party} takes effect within 30 days.`;
    case 'withdrawal-outcome-missing':
      if (agreement && agreement.status !== 'in-force')
        return `${cleared}: the agreement is ${agreement.status === 'terminated' ? 'terminated' : 'not in force'}.`;
      if (agreement && !agreement.members.some((member) => member.body.id === subject.party)) {
        return `${cleared}: the withdrawal of ${subject.party} is recorded.`;
      }
      return `${cleared}: the withdrawal of ${subject.party} is no longer overdue for recording.`;
    case 'planned-start-passed':
      if (agreement?.status === 'in-force')
        return `${cleared}: the agreement came into force on ${agreement.inForceFrom}.`;
      if (agreement?.status === 'terminated') return `${cleared}: the draft is terminated.`;
      return `${cleared}: its start is re-planned${agreement?.plannedStart ? ` for ${agreement.plannedStart}` : ''}.`;
    case 'no-overseeing-board':
      if (agreement && agreement.status !== 'in-force') return `${cleared}: the agreement is not in force.`;
      return `${cleared}: a governance board on record oversees it.`;
    case 'no-review-date':
      if (agreement && agreement.status !== 'in-force') return `${cleared}: the agreement is not in force.`;
      return `${cleared}: a review date is recorded${agreement?.reviewDue ? ` (${agreement.reviewDue})` : ''}.`;
    case 'no-accountability-board':
      if (agreement && agreement.status !== 'in-force') return `${cleared}: the agreement is not in force.`;
      return `${cleared}: a joint accountability board oversees it, or no board of a recorded kind does.`;
    default: {
      const _exhaustive: never = rule;
      return `${cleared}.`;
    }
  }
}
