/**
 * The server's clock, injected so tests can move time instead of waiting
 * (docs/domain.md, "Alerts and the compliance rules").
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
