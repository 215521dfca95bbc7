/**
 * Time and timers, injected so tests move time by hand instead of faking globals. `now()` is the
 * browser's own clock: every deadline the kit keeps is measured on it (see token-lifetime.ts).
 */
export interface KitClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: KitClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};
