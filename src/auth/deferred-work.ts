import type { AuthLogger } from "./deps";

/**
 * Work a service does after it has answered, where answering first is the point: a password
 * reset request answers at once whatever the address, so neither its content nor its timing
 * says whether an account exists. Failures are logged (the caller already has its answer);
 * `settle()` at shutdown waits for what is still running, so nothing started is cut off.
 */
export class DeferredWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: AuthLogger) {}

  run(name: string, work: () => Promise<void>): void {
    const task = Promise.resolve()
      .then(work)
      .catch((error: unknown) => this.logger.error({ err: error, event: `${name}_failed` }, `${name} failed after the answer was sent`))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
