import { noAccountabilityBoard as breaches } from '#domain';
import { conditionOf, type AgreementFacts, type Condition } from './condition.js';

/** Info: an agreement in force overseen only by boards that are not joint accountability boards (the rule book's breach). */
export const noAccountabilityBoard = ({ agreement, boards }: AgreementFacts): Condition[] =>
  breaches(agreement, boards).map(conditionOf);
