import { inquorateMeeting as breaches } from '#domain';
import { alertsFrom } from './board-breach.js';

/**
 * Amber: a meeting held without its quorum, from the day it was held until the board next holds a quorate
 * meeting; acknowledging it is how an officer says it has been dealt with in the meantime.
 */
export const inquorateMeeting = alertsFrom(breaches);
