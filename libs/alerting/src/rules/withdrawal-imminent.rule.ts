import { withdrawalImminent as breaches } from '#domain';
import { conditionOf, todayOf, type AgreementFacts, type Condition } from './condition.js';

/** Info: a party's notice of withdrawal takes effect within `WITHDRAWAL_NOTICE_DAYS`, or took effect unrecorded. */
export const withdrawalImminent = ({ agreement }: AgreementFacts, now: Date): Condition[] =>
  breaches(agreement, todayOf(now)).map(conditionOf);
