import { Clock } from '@ledger/event-sourcing';

export type { Clock };

/** The one clock: capture windows and expiries compare against it; tests can replace it. */
export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
