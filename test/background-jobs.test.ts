import { startBackgroundJobs } from "../src/background-jobs";

const logger = () => {
  const warnings: unknown[] = [];
  return { warnings, warn: (fields: unknown) => void warnings.push(fields) };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("startBackgroundJobs", () => {
  it("runs each job periodically, never two runs of one job at once, and survives a failing run", async () => {
    const log = logger();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const jobs = startBackgroundJobs(
      [
        {
          name: "slow",
          everyMs: 5,
          firstAfterMs: 0,
          async run() {
            runs += 1;
            active += 1;
            maxActive = Math.max(maxActive, active);
            await sleep(20);
            active -= 1;
            if (runs === 2) throw new Error("database down");
          },
        },
      ],
      log,
    );
    // Waits for runs rather than for a fixed time: a loaded machine delays every timer.
    while (runs < 3) await sleep(10);
    await jobs.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(maxActive).toBe(1);
    expect(log.warnings).toHaveLength(1);
  });

  it("stop() cancels future runs and waits for the run in progress", async () => {
    let finished = false;
    let started = 0;
    const jobs = startBackgroundJobs(
      [
        {
          name: "one",
          everyMs: 1000,
          firstAfterMs: 0,
          async run() {
            started += 1;
            await sleep(30);
            finished = true;
          },
        },
      ],
      logger(),
    );
    while (started === 0) await sleep(1);
    await jobs.stop();
    expect(finished).toBe(true);
    await sleep(50);
    expect(started).toBe(1);
  });
});
