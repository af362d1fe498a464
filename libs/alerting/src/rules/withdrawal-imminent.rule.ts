import { addDays, daysBetween } from '#domain';
import { condition, todayOf, type AgreementFacts, type Condition } from './condition.js';

export const WITHDRAWAL_NOTICE_DAYS = 30;

/**
 * Info: a party of an agreement in force has given notice of a withdrawal taking effect within 30
 * days (the 30th day ahead included). It stays raised past the effective date until the withdrawal
 * itself is recorded (ForceWithdrew), since until then the record still shows the party as a member.
 */
export const withdrawalImminent = ({ agreement }: AgreementFacts, now: Date): Condition[] => {
  if (agreement.status !== 'in-force') return [];
  const today = todayOf(now);
  return agreement.members.flatMap((member) => {
    const { notice } = member;
    if (notice === null) return [];
    const daysLeft = daysBetween(today, notice.effectiveOn);
    if (daysLeft > WITHDRAWAL_NOTICE_DAYS) return [];
    const when =
      daysLeft >= 0
        ? `takes effect on ${notice.effectiveOn}`
        : `took effect on ${notice.effectiveOn}, but the withdrawal itself has not been recorded`;
    return [
      condition(
        'withdrawal-imminent',
        'info',
        { agreementId: agreement.agreementId, party: member.body.id },
        `${member.body.name} gave notice on ${notice.givenOn} to withdraw from "${agreement.title}"; the withdrawal ${when}.`,
        addDays(notice.effectiveOn, -WITHDRAWAL_NOTICE_DAYS),
      ),
    ];
  });
};
