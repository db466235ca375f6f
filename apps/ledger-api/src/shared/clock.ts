/** The one clock: capture windows and expiries compare against it; tests can replace it. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
