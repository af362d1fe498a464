import { withdrawalOutcomeMissing as breaches } from '#domain';
import { conditionOf, todayOf, type AgreementFacts, type Condition } from './condition.js';

/** Amber: a withdrawal's effective date passed more than `OUTCOME_GRACE_DAYS` days ago, the withdrawal not recorded. */
export const withdrawalOutcomeMissing = ({ agreement }: AgreementFacts, now: Date): Condition[] =>
  breaches(agreement, todayOf(now)).map(conditionOf);
