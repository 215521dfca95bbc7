/**
 * Every caller that arrives while `work` is running gets that run's promise; the next caller
 * after it settles starts a new run. This is what turns "five operations failed with
 * TOKEN_EXPIRED" into one refreshToken call: a second call would present a refresh token the
 * first already rotated.
 */
export function singleFlight<T>(work: () => Promise<T>): { run(): Promise<T>; readonly pending: boolean } {
  let current: Promise<T> | null = null;
  return {
    run() {
      if (current) return current;
      const started = Promise.resolve().then(work);
      current = started;
      const clear = () => {
        if (current === started) current = null;
      };
      started.then(clear, clear);
      return started;
    },
    get pending() {
      return current !== null;
    },
  };
}
