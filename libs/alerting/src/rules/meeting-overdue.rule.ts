import { meetingOverdue as breaches } from '#domain';
import { alertsFrom } from './board-breach.js';

/** Red: no meeting held for more than `maxDaysBetweenMeetings` days (the terms in force each day). */
export const meetingOverdue = alertsFrom(breaches);
