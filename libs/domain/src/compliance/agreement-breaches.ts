import type { AgreementState } from '../agreement/agreement.state.js';
import { addDays } from '../kernel/dates.js';
import { OUTCOME_GRACE_DAYS } from './board-breaches.js';

export interface WithdrawalOutcomeMissingBreach {
  rule: 'withdrawal-outcome-missing';
  severity: 'amber';
  subject: { agreementId: string; party: string };
  /** The first day the withdrawal is overdue for recording. */
  began: string;
  /**
   * Always null: the breach is judged from the agreement as folded, which keeps a withdrawn party without its
   * notice, so only an open breach can be told. It ends (the alert resolves) when the withdrawal is recorded or
   * the agreement leaves force.
   */
  ended: null;
  reason: string;
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
