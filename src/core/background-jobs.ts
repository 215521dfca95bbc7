import type { Logger } from "pino";

export interface PeriodicJob {
  name: string;
  everyMs: number;
  /** Delay before the first run (default: everyMs). */
  firstAfterMs?: number;
  /** `stopping` is aborted at shutdown: long work should end at its next safe point. */
  run(stopping: AbortSignal): Promise<unknown>;
}

export interface BackgroundJobs {
  /**
   * Cancels future runs, asks the ones in progress to end early, and waits for them, at most
   * `graceMs`: a run stuck on an unresponsive database must not hold the shutdown hostage.
   */
  stop(graceMs?: number): Promise<void>;
}

const DEFAULT_STOP_GRACE_MS = 5_000;

/**
 * In-process periodic work. Each job is re-armed only after its run finished, so runs never
 * overlap; timers are unref'd (they never keep the process alive) and a failed run is logged and
 * retried at the next tick, so a database outage cannot crash the server through a job.
 */
export function startBackgroundJobs(jobs: readonly PeriodicJob[], logger: Pick<Logger, "warn">): BackgroundJobs {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();

  const schedule = (job: PeriodicJob, delayMs: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = job.run(stopping.signal).then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error, job: job.name }, "background job failed; retrying at its next run"),
      );
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        if (!stopping.signal.aborted) schedule(job, job.everyMs);
      });
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };

  for (const job of jobs) schedule(job, job.firstAfterMs ?? job.everyMs);
  return {
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      // A shutdown waits for these runs, so they must not first drain a backlog of hours.
      stopping.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<"gave up">((resolve) => (timer = setTimeout(() => resolve("gave up"), graceMs)));
      const outcome = await Promise.race([Promise.all([...running]), gaveUp]);
      clearTimeout(timer);
      if (outcome === "gave up") logger.warn({ jobs: running.size }, "background jobs still running at shutdown; not waiting for them");
    },
  };
}
