import { fixedClock, type RetentionStore } from "../../src/auth";
import { RetentionService } from "../../src/auth/retention-service";
import { type BackgroundJobs, startBackgroundJobs } from "../../src/core/background-jobs";
import { createStores, migrate, openDatabase } from "../../src/db";
import { silentLogger } from "../support/auth-fixture";

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

describe("the retention job at shutdown (PGlite, real RetentionService)", () => {
  it("stop() ends a run between two batches instead of draining everything first", async () => {
    const db = await openDatabase("pglite:memory");
    try {
      await migrate(db);
      await db.prisma.$executeRawUnsafe(`INSERT INTO audit_events (id, type, created_at)
        SELECT gen_random_uuid(), 'signup', '2020-01-01T00:00:00Z'::timestamptz FROM generate_series(1, 200)`);
      const store = createStores(db).retention;
      let stopping: Promise<void> | null = null;
      let jobs: BackgroundJobs | null = null;
      // The first batch asks for shutdown, as a SIGTERM arriving mid-run does.
      const retention: RetentionStore = {
        exclusively: (work) =>
          store.exclusively((batches) =>
            work({
              ...batches,
              deleteAuditEventsBefore: async (cutoff, limit) => {
                const deleted = await batches.deleteAuditEventsBefore(cutoff, limit);
                stopping ??= jobs?.stop() ?? null;
                return deleted;
              },
            }),
          ),
      };
      const service = new RetentionService(
        { retention, clock: fixedClock(new Date("2026-01-01T00:00:00Z")), logger: silentLogger },
        { auditRetentionMs: 90 * 86400_000, sessionRetentionMs: 0, batchSize: 1, maxBatchesPerRun: 1000 },
      );
      jobs = startBackgroundJobs([{ name: "retention", everyMs: 3_600_000, firstAfterMs: 0, run: (signal) => service.run(signal) }], logger());
      while (stopping === null) await sleep(5);
      await stopping;
      const [left] = await db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM audit_events`;
      // One batch, perhaps two, went before the stop was seen; the other ~198 rows wait for the next start.
      expect(left?.n).toBeGreaterThanOrEqual(190);
    } finally {
      await db.close();
    }
  });
});

describe("startBackgroundJobs: a run that never ends", () => {
  it("does not hold stop() beyond its grace period, and says so", async () => {
    const warnings: unknown[] = [];
    let entered = false;
    const jobs = startBackgroundJobs(
      [{ name: "stuck", everyMs: 1000, firstAfterMs: 0, run: () => ((entered = true), new Promise<void>(() => undefined)) }],
      { warn: (fields: unknown) => void warnings.push(fields) },
    );
    while (!entered) await new Promise((resolve) => setTimeout(resolve, 1));
    const started = Date.now();
    await jobs.stop(100);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(warnings).toEqual([{ jobs: 1 }]);
  });
});
