import type { AgreementState } from '../agreement/agreement.state.js';
import type { BoardState } from '../board/board.state.js';
import { addDays, daysBetween } from '../kernel/dates.js';
import { OUTCOME_GRACE_DAYS } from './board-breaches.js';

/** A notice of withdrawal is flagged this many days before it takes effect (the 30th day ahead included). */
export const WITHDRAWAL_NOTICE_DAYS = 30;

/**
 * The rules judged from the current state (an agreement, or a board and its agreements) rather than a dated
 * history: they yield the breaches open on `asOf`, so `ended` is always null. The state does not keep what
 * would date their end (a superseded review date, a withdrawn party's notice), which is also why the yearly
 * board report has no counterpart for them (docs/domain.md, "One rule book: breaches").
 */
interface OpenBreach {
  ended: null;
  reason: string;
}

export interface ReviewOverdueBreach extends OpenBreach {
  rule: 'review-overdue';
  severity: 'amber';
  subject: { agreementId: string };
  /** The day after `reviewDue`. */
  began: string;
  reviewDue: string;
}

/**
 * Amber: an agreement in force past its review date with no review recorded since. A review
 * (AgreementReviewed) moves `reviewDue` to the next date, or clears it. The due date itself is
 * still in time; the day after it, the review is overdue.
 */
export function reviewOverdue(agreement: AgreementState, asOf: string): ReviewOverdueBreach[] {
  const { reviewDue } = agreement;
  if (agreement.status !== 'in-force' || reviewDue === null || asOf <= reviewDue) return [];
  if (agreement.lastReviewedOn !== null && agreement.lastReviewedOn > reviewDue) return [];
  return [
    {
      rule: 'review-overdue',
      severity: 'amber',
      subject: { agreementId: agreement.agreementId },
      began: addDays(reviewDue, 1),
      ended: null,
      reason: `"${agreement.title}" was due for review on ${reviewDue}, and no review has been recorded since.`,
      reviewDue,
    },
  ];
}

export interface WithdrawalImminentBreach extends OpenBreach {
  rule: 'withdrawal-imminent';
  severity: 'info';
  subject: { agreementId: string; party: string };
  /** `WITHDRAWAL_NOTICE_DAYS` before the effective date. */
  began: string;
  givenOn: string;
  effectiveOn: string;
}

/**
 * Info: a party of an agreement in force has given notice of a withdrawal taking effect within 30
 * days (the 30th day ahead included). It stays raised past the effective date until the withdrawal
 * itself is recorded (ForceWithdrew), since until then the record still shows the party as a member.
 */
export function withdrawalImminent(agreement: AgreementState, asOf: string): WithdrawalImminentBreach[] {
  if (agreement.status !== 'in-force') return [];
  return agreement.members.flatMap((member): WithdrawalImminentBreach[] => {
    const { notice } = member;
    if (notice === null) return [];
    const daysLeft = daysBetween(asOf, notice.effectiveOn);
    if (daysLeft > WITHDRAWAL_NOTICE_DAYS) return [];
    const when =
      daysLeft >= 0
        ? `takes effect on ${notice.effectiveOn}`
        : `took effect on ${notice.effectiveOn}, but the withdrawal itself has not been recorded`;
    return [
      {
        rule: 'withdrawal-imminent',
        severity: 'info',
        subject: { agreementId: agreement.agreementId, party: member.body.id },
        began: addDays(notice.effectiveOn, -WITHDRAWAL_NOTICE_DAYS),
        ended: null,
        reason: `${member.body.name} gave notice on ${notice.givenOn} to withdraw from "${agreement.title}"; the withdrawal ${when}.`,
        givenOn: notice.givenOn,
        effectiveOn: notice.effectiveOn,
      },
    ];
  });
}

export interface NoMeetingScheduledBreach extends OpenBreach {
  rule: 'no-meeting-scheduled';
  severity: 'amber';
  subject: { boardId: string };
  /** Unknown: the diary's state does not say since when it has been empty. */
  began: null;
}

/**
 * Amber: a board overseeing at least one agreement in force has no meeting in its diary from `asOf` on
 * (a meeting set for that day still counts as ahead: it may yet be held that day). `agreements` are those
 * recorded of the ones it oversees.
 */
export function noMeetingScheduled(
  board: BoardState,
  agreements: readonly AgreementState[],
  asOf: string,
): NoMeetingScheduledBreach[] {
  const inForce = agreements.filter(
    (agreement) => agreement.status === 'in-force' && board.agreementIds.includes(agreement.agreementId),
  );
  if (inForce.length === 0) return [];
  const ahead = [...board.meetings.values()].some(
    (meeting) => meeting.status === 'scheduled' && meeting.scheduledFor >= asOf,
  );
  if (ahead) return [];
  const titles = inForce.map((agreement) => `"${agreement.title}"`).join(', ');
  return [
    {
      rule: 'no-meeting-scheduled',
      severity: 'amber',
      subject: { boardId: board.boardId },
      began: null,
      ended: null,
      reason: `The ${board.name} oversees ${titles}, in force, but has no meeting in its diary.`,
    },
  ];
}

export interface WithdrawalOutcomeMissingBreach extends OpenBreach {
  rule: 'withdrawal-outcome-missing';
  severity: 'amber';
  subject: { agreementId: string; party: string };
  /** The first day the withdrawal is overdue for recording. It ends when recorded or the agreement leaves force. */
  began: string;
  givenOn: string;
  effectiveOn: string;
}

/**
 * Amber: a party's withdrawal took effect (its notice's effective date) more than `OUTCOME_GRACE_DAYS` days ago
 * and the withdrawal itself (ForceWithdrew) is not recorded, so the record still shows it as a member: the
 * outcome is missing, as for a meeting with no outcome (issue 15). The 7th day after is within grace.
 */
export function withdrawalOutcomeMissing(agreement: AgreementState, asOf: string): WithdrawalOutcomeMissingBreach[] {
  if (agreement.status !== 'in-force') return [];
  return agreement.members.flatMap((member): WithdrawalOutcomeMissingBreach[] => {
    const { notice } = member;
    if (notice === null) return [];
    const began = addDays(notice.effectiveOn, OUTCOME_GRACE_DAYS + 1);
    if (began > asOf) return [];
    return [
      {
        rule: 'withdrawal-outcome-missing',
        severity: 'amber',
        subject: { agreementId: agreement.agreementId, party: member.body.id },
        began,
        ended: null,
        reason:
          `${member.body.name} gave notice on ${notice.givenOn} to withdraw from "${agreement.title}" on ` +
          `${notice.effectiveOn}; more than ${OUTCOME_GRACE_DAYS} days later the withdrawal is not recorded.`,
        givenOn: notice.givenOn,
        effectiveOn: notice.effectiveOn,
      },
    ];
  });
}

export interface PlannedStartPassedBreach extends OpenBreach {
  rule: 'planned-start-passed';
  severity: 'amber';
  subject: { agreementId: string };
  /** The day after the planned start. It ends when the agreement commences, or its start is re-planned ahead. */
  began: string;
  plannedStart: string;
}

/**
 * Amber: a draft's planned start has passed (the day itself is still in time) and it has neither come into
 * force nor been re-planned to a day ahead (issue 15: seed 002's forensics agreement "aimed to start on 1st
 * April but may be Sept"). A terminated draft was abandoned, and raises nothing.
 */
export function plannedStartPassed(agreement: AgreementState, asOf: string): PlannedStartPassedBreach[] {
  const { plannedStart } = agreement;
  if (agreement.status !== 'drafted' || plannedStart === null || asOf <= plannedStart) return [];
  return [
    {
      rule: 'planned-start-passed',
      severity: 'amber',
      subject: { agreementId: agreement.agreementId },
      began: addDays(plannedStart, 1),
      ended: null,
      reason:
        `"${agreement.title}" was planned to start on ${plannedStart} and has not come into force: record its ` +
        'commencement, or re-plan its start with the reason.',
      plannedStart,
    },
  ];
}

export interface NoOverseeingBoardBreach extends OpenBreach {
  rule: 'no-overseeing-board';
  severity: 'amber';
  subject: { agreementId: string };
  /** The day it came into force (no board has overseen it since, or the last one let it go: the state cannot tell). */
  began: string | null;
}

/** The established boards of `boards` that oversee the agreement now. */
const overseeing = (agreement: AgreementState, boards: readonly BoardState[]): BoardState[] =>
  boards.filter((board) => board.status === 'established' && board.agreementIds.includes(agreement.agreementId));

/**
 * Amber: an agreement in force that no governance board oversees (issue 16): nobody is recorded as holding the
 * collaboration to account, which the governance statement also lists. It resolves when a board is established over
 * it or takes it on (BoardOversightChanged), or the agreement leaves force.
 */
export function noOverseeingBoard(agreement: AgreementState, boards: readonly BoardState[]): NoOverseeingBoardBreach[] {
  if (agreement.status !== 'in-force' || overseeing(agreement, boards).length > 0) return [];
  return [
    {
      rule: 'no-overseeing-board',
      severity: 'amber',
      subject: { agreementId: agreement.agreementId },
      began: null,
      ended: null,
      reason: `"${agreement.title}" is in force, and no governance board on record oversees it.`,
    },
  ];
}

export interface NoReviewDateBreach extends OpenBreach {
  rule: 'no-review-date';
  severity: 'info';
  subject: { agreementId: string };
  began: null;
}

/**
 * Info: an agreement in force with no review date: the statutory guidance expects agreements to be reviewed, and
 * without a date the review-overdue rule can never fire. It resolves when a review date is recorded.
 */
export function noReviewDate(agreement: AgreementState): NoReviewDateBreach[] {
  if (agreement.status !== 'in-force' || agreement.reviewDue !== null) return [];
  return [
    {
      rule: 'no-review-date',
      severity: 'info',
      subject: { agreementId: agreement.agreementId },
      began: null,
      ended: null,
      reason: `"${agreement.title}" is in force with no review date on record.`,
    },
  ];
}

export interface NoAccountabilityBoardBreach extends OpenBreach {
  rule: 'no-accountability-board';
  severity: 'info';
  subject: { agreementId: string };
  began: null;
}

/**
 * Info: every board overseeing an agreement in force is of a recorded kind, and none is a joint accountability board:
 * the chief officers govern it, but no board is recorded where the policing bodies hold them to account (seed 003's
 * panel question). A board whose kind is not recorded gives the benefit of the doubt: nothing is raised.
 */
export function noAccountabilityBoard(
  agreement: AgreementState,
  boards: readonly BoardState[],
): NoAccountabilityBoardBreach[] {
  const over = overseeing(agreement, boards);
  if (agreement.status !== 'in-force' || over.length === 0) return [];
  if (over.some((board) => board.accountability === null || board.accountability.kind === 'joint-accountability'))
    return [];
  const names = over.map((board) => `the ${board.name} (${board.accountability?.kind})`).join(', ');
  return [
    {
      rule: 'no-accountability-board',
      severity: 'info',
      subject: { agreementId: agreement.agreementId },
      began: null,
      ended: null,
      reason: `"${agreement.title}" is overseen only by ${names}: no joint accountability board of the policing bodies.`,
    },
  ];
}
