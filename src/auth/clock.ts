/** Time source injected everywhere the core needs "now", so tests pin time instead of faking timers. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(start: Date | string | number): Clock & { advance(ms: number): void; set(to: Date): void } {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
    set(to: Date) {
      current = to.getTime();
    },
  };
}
