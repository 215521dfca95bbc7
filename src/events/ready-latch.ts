/** Whether a transport is listening now, and a way to wait (boundedly) until it is. */
export class ReadyLatch {
  private ready = false;
  private readonly waiters = new Set<() => void>();

  get isReady(): boolean {
    return this.ready;
  }

  set(ready: boolean): void {
    this.ready = ready;
    if (!ready) return;
    for (const wake of [...this.waiters]) wake();
  }

  wait(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (ready: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(ready);
      };
      const wake = () => finish(true);
      // Not unref'd: a caller awaiting this bound (the start-up's first wait for an unreachable
      // database) must not see the process exit silently with status 0 under it.
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(wake);
    });
  }
}
