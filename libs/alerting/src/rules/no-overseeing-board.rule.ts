import { noOverseeingBoard as breaches } from '#domain';
import { conditionOf, type AgreementFacts, type Condition } from './condition.js';

/** Amber: an agreement in force that no governance board oversees (the rule book's breach). */
export const noOverseeingBoard = ({ agreement, boards }: AgreementFacts): Condition[] =>
  breaches(agreement, boards).map(conditionOf);
