import type { Clock } from "../../src/auth";

/** Real time plus an adjustable offset: servers run normally, tests jump ahead without sleeping. */
export function offsetClock(): Clock & { advance(ms: number): void; reset(): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
    reset() {
      offset = 0;
    },
  };
}
