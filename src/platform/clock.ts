/** Time as a dependency, so that expiry, schedules and timeouts can be tested without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ManualClock extends Clock {
  set(time: Date | string): void;
  advance(ms: number): void;
}

/** A clock that moves only when told to. */
export function manualClock(start: Date | string = '2025-01-01T00:00:00.000Z'): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (time) => {
      current = new Date(time).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
