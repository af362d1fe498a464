import { meetingOverdue as breaches } from '#domain';
import { alertsFrom } from './board-breach.js';

/** Red: no meeting held for more than `maxDaysBetweenMeetings` days (each day judged by the terms recorded before it). */
export const meetingOverdue = alertsFrom(breaches);
