import type { AlertRule } from '#domain';
import type { AgreementRuleFn, BoardRuleFn } from './condition.js';
import { inquorateMeeting } from './inquorate-meeting.rule.js';
import { meetingCancelledNotRearranged } from './meeting-cancelled-not-rearranged.rule.js';
import { meetingOutcomeMissing } from './meeting-outcome-missing.rule.js';
import { meetingOverdue } from './meeting-overdue.rule.js';
import { noAccountabilityBoard } from './no-accountability-board.rule.js';
import { noMeetingScheduled } from './no-meeting-scheduled.rule.js';
import { noOverseeingBoard } from './no-overseeing-board.rule.js';
import { noReviewDate } from './no-review-date.rule.js';
import { plannedStartPassed } from './planned-start-passed.rule.js';
import { reviewOverdue } from './review-overdue.rule.js';
import { withdrawalImminent } from './withdrawal-imminent.rule.js';
import { withdrawalOutcomeMissing } from './withdrawal-outcome-missing.rule.js';

export * from './condition.js';
export {
  inquorateMeeting,
  meetingCancelledNotRearranged,
  meetingOutcomeMissing,
  meetingOverdue,
  noAccountabilityBoard,
  noMeetingScheduled,
  noOverseeingBoard,
  noReviewDate,
  plannedStartPassed,
  reviewOverdue,
  withdrawalImminent,
  withdrawalOutcomeMissing,
};
export { OUTCOME_GRACE_DAYS, WITHDRAWAL_NOTICE_DAYS } from '#domain';

/** Rules about a governance board; their alerts' subjects carry `boardId`. */
export const BOARD_RULES = {
  'meeting-cancelled-not-rearranged': meetingCancelledNotRearranged,
  'meeting-overdue': meetingOverdue,
  'meeting-outcome-missing': meetingOutcomeMissing,
  'no-meeting-scheduled': noMeetingScheduled,
  'inquorate-meeting': inquorateMeeting,
} as const satisfies Partial<Record<AlertRule, BoardRuleFn>>;

/** Rules about an agreement; their alerts' subjects carry `agreementId`. */
export const AGREEMENT_RULES = {
  'review-overdue': reviewOverdue,
  'withdrawal-imminent': withdrawalImminent,
  'withdrawal-outcome-missing': withdrawalOutcomeMissing,
  'planned-start-passed': plannedStartPassed,
  'no-overseeing-board': noOverseeingBoard,
  'no-review-date': noReviewDate,
  'no-accountability-board': noAccountabilityBoard,
} as const satisfies Partial<Record<AlertRule, AgreementRuleFn>>;

export type BoardRuleName = keyof typeof BOARD_RULES;
export type AgreementRuleName = keyof typeof AGREEMENT_RULES;

export const BOARD_RULE_NAMES = Object.keys(BOARD_RULES) as BoardRuleName[];
export const AGREEMENT_RULE_NAMES = Object.keys(AGREEMENT_RULES) as AgreementRuleName[];

// Every rule of the catalogue is evaluated somewhere: adding one to ALERT_RULES without a function fails here.
const _everyRule: Record<AlertRule, true> = Object.fromEntries(
  [...BOARD_RULE_NAMES, ...AGREEMENT_RULE_NAMES].map((rule) => [rule, true]),
) as Record<BoardRuleName | AgreementRuleName, true>;

export const evaluateBoardRules = (facts: Parameters<BoardRuleFn>[0], now: Date) =>
  Object.values(BOARD_RULES).flatMap((rule: BoardRuleFn) => rule(facts, now));

export const evaluateAgreementRules = (facts: Parameters<AgreementRuleFn>[0], now: Date) =>
  Object.values(AGREEMENT_RULES).flatMap((rule: AgreementRuleFn) => rule(facts, now));
