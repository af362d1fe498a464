import { addDays } from '#domain';
import { condition, todayOf, type AgreementFacts, type Condition } from './condition.js';

/**
 * Amber: an agreement in force past its review date with no review recorded since. A review
 * (AgreementReviewed) moves `reviewDue` to the next date, or clears it. The due date itself is
 * still in time; the day after it, the review is overdue.
 */
export const reviewOverdue = ({ agreement }: AgreementFacts, now: Date): Condition[] => {
  const { reviewDue } = agreement;
  if (agreement.status !== 'in-force' || reviewDue === null) return [];
  if (todayOf(now) <= reviewDue) return [];
  if (agreement.lastReviewedOn !== null && agreement.lastReviewedOn > reviewDue) return [];
  return [
    condition(
      'review-overdue',
      'amber',
      { agreementId: agreement.agreementId },
      `"${agreement.title}" was due for review on ${reviewDue}, and no review has been recorded since.`,
      addDays(reviewDue, 1),
    ),
  ];
};
