import { toCalendarDate, type AgreementState, type BoardState } from '#domain';
import {
  alertIdFor,
  normaliseAlertSubject,
  type AlertRule,
  type AlertSeverity,
  type AlertSubject,
  type StoredAlertSubject,
} from '#domain';

/**
 * The rules judge the record as of `now`: the board and agreements folded from everything recorded so
 * far, against today's date. The board meeting rules are the breaches of the domain's rule book
 * (libs/domain/src/compliance) open today, the same breaches GET /boards/:id/compliance reports per year.
 * A condition that holds now is an alert to raise; one that no longer holds resolves its alert.
 */
export interface Condition {
  /** `alertIdFor(rule, subject)`: the stable id that keeps a re-evaluation from raising it twice. */
  alertId: string;
  rule: AlertRule;
  severity: AlertSeverity;
  subject: StoredAlertSubject;
  /** One sentence a governance officer understands. */
  reason: string;
  /** The first day the condition held, when the rule can tell (`YYYY-MM-DD`). */
  breachedOn: string | null;
}

export const condition = (
  rule: AlertRule,
  severity: AlertSeverity,
  subject: AlertSubject,
  reason: string,
  breachedOn: string | null = null,
): Condition => ({
  alertId: alertIdFor(rule, subject),
  rule,
  severity,
  subject: normaliseAlertSubject(subject),
  reason,
  breachedOn,
});

/** A breach of the rule book as an alert's condition: `breachedOn` is the day it began. */
export const conditionOf = (breach: {
  rule: AlertRule;
  severity: AlertSeverity;
  subject: AlertSubject;
  reason: string;
  began: string | null;
}): Condition => condition(breach.rule, breach.severity, breach.subject, breach.reason, breach.began);

/** What the board rules look at: the board, and the agreements it oversees (those recorded). */
export interface BoardFacts {
  board: BoardState;
  agreements: readonly AgreementState[];
}

/** What the agreement rules look at: the agreement, and the boards on record that oversee it now. */
export interface AgreementFacts {
  agreement: AgreementState;
  boards: readonly BoardState[];
}

export type BoardRuleFn = (facts: BoardFacts, now: Date) => Condition[];
export type AgreementRuleFn = (facts: AgreementFacts, now: Date) => Condition[];

/** Today's calendar date (UTC, like every date in the domain). */
export const todayOf = (now: Date): string => toCalendarDate(now.toISOString());

/**
 * A board governs while it is established and not every agreement it oversees has terminated:
 * a board whose agreements have all ended owes no more meetings, so its meeting rules clear.
 */
export const isGoverning = ({ board, agreements }: BoardFacts): boolean => {
  if (board.status !== 'established') return false;
  const known = agreements.filter((agreement) => board.agreementIds.includes(agreement.agreementId));
  const allKnown = board.agreementIds.every((id) => known.some((agreement) => agreement.agreementId === id));
  return !(allKnown && known.length > 0 && known.every((agreement) => agreement.status === 'terminated'));
};
