import type { Logger } from "pino";

export interface PeriodicJob {
  name: string;
  everyMs: number;
  /** Delay before the first run (default: everyMs). */
  firstAfterMs?: number;
  run(): Promise<unknown>;
}

export interface BackgroundJobs {
  /** Cancels future runs and waits for the ones in progress. */
  stop(): Promise<void>;
}

/**
 * In-process periodic work. Each job is re-armed only after its run finished, so runs never
 * overlap; timers are unref'd (they never keep the process alive) and a failed run is logged and
 * retried at the next tick, so a database outage cannot crash the server through a job.
 */
export function startBackgroundJobs(jobs: readonly PeriodicJob[], logger: Pick<Logger, "warn">): BackgroundJobs {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const schedule = (job: PeriodicJob, delayMs: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = job.run().then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error, job: job.name }, "background job failed; retrying at its next run"),
      );
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        if (!stopped) schedule(job, job.everyMs);
      });
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };

  for (const job of jobs) schedule(job, job.firstAfterMs ?? job.everyMs);
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}
