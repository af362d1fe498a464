import { reviewOverdue as breaches } from '#domain';
import { conditionOf, todayOf, type AgreementFacts, type Condition } from './condition.js';

/** Amber: an agreement in force past its review date with no review recorded since (the rule book's breach). */
export const reviewOverdue = ({ agreement }: AgreementFacts, now: Date): Condition[] =>
  breaches(agreement, todayOf(now)).map(conditionOf);
