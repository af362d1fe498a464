import { meetingOutcomeMissing as breaches } from '#domain';
import { alertsFrom } from './board-breach.js';

/** Amber: a meeting still only "scheduled" more than `OUTCOME_GRACE_DAYS` days after its date. */
export const meetingOutcomeMissing = alertsFrom(breaches);
