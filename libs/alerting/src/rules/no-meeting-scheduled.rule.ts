import { noMeetingScheduled as breaches } from '#domain';
import { conditionOf, isGoverning, todayOf, type BoardFacts, type Condition } from './condition.js';

/** Amber: a governing board overseeing an agreement in force has no meeting in its diary from today on. */
export const noMeetingScheduled = (facts: BoardFacts, now: Date): Condition[] =>
  isGoverning(facts) ? breaches(facts.board, facts.agreements, todayOf(now)).map(conditionOf) : [];
