import { noReviewDate as breaches } from '#domain';
import { conditionOf, type AgreementFacts, type Condition } from './condition.js';

/** Info: an agreement in force with no review date (the rule book's breach). */
export const noReviewDate = ({ agreement }: AgreementFacts): Condition[] => breaches(agreement).map(conditionOf);
