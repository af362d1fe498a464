import { boardHistoryOf, isOpenOn, type Breach, type BoardHistory } from '#domain';
import { conditionOf, isGoverning, todayOf, type BoardFacts, type Condition } from './condition.js';

/**
 * A board rule's alerts are its breaches (libs/domain/src/compliance) open today: raised from the day a
 * breach begins, resolved on the day it is put right. A board that no longer governs has none.
 */
export const alertsFrom =
  (rule: (history: BoardHistory, asOf: string) => Breach[]) =>
  (facts: BoardFacts, now: Date): Condition[] => {
    if (!isGoverning(facts)) return [];
    const today = todayOf(now);
    return rule(boardHistoryOf(facts.board), today)
      .filter((breach) => isOpenOn(breach, today))
      .map(conditionOf);
  };
