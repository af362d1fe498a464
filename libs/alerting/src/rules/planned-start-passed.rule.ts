import { plannedStartPassed as breaches } from '#domain';
import { conditionOf, todayOf, type AgreementFacts, type Condition } from './condition.js';

/** Amber: a draft's planned start has passed with no commencement and no re-planning to a day ahead. */
export const plannedStartPassed = ({ agreement }: AgreementFacts, now: Date): Condition[] =>
  breaches(agreement, todayOf(now)).map(conditionOf);
