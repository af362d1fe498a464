import { cancelledNotRearranged } from '#domain';
import { alertsFrom } from './board-breach.js';

/**
 * Red: a meeting cancelled and not rearranged within `rearrangeWithinDays` of its cancellation; rearranging
 * it, even late, resolves the alert. The case in seeds/003: Hampshire/TVP board meetings "cancelled and not
 * rearranged during 2015/16".
 */
export const meetingCancelledNotRearranged = alertsFrom(cancelledNotRearranged);
