import { Client } from "pg";
import { type Database, isDatabaseUnavailable, openDatabase } from "../../src/db";
import { createOwnPostgres, type OwnPostgres } from "../support/own-postgres";
import { describeWithPostgresBinaries } from "../support/services";
import { caught } from "../support/capture";

/** Rejects if `work` has not settled within `ms`: a pool that lost its slots waits forever. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

type Tx = Parameters<Parameters<Database["prisma"]["$transaction"]>[0]>[0];

async function backendPid(tx: Pick<Tx, "$queryRaw">): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
  if (!row) throw new Error("no backend pid");
  return row.pid;
}

/**
 * Connections that die or stall while checked out must not cost the pool its slots: otherwise the
 * server never recovers from an outage without a restart. The cluster is this file's own, so its
 * backends can be terminated and stopped (SIGSTOP) at will.
 */
describeWithPostgresBinaries("pg pool guard (PostgreSQL started by this test)", (bin) => {
  let pg: OwnPostgres;
  let admin: Client;

  beforeAll(async () => {
    pg = await createOwnPostgres(bin);
    await pg.start();
    admin = new Client({ connectionString: pg.url });
    admin.on("error", () => undefined);
    await admin.connect();
  }, 30_000);

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await pg?.destroy();
  });

  it("a backend terminated mid-transaction gives its slot back (more times than the pool has slots)", async () => {
    const db = await openDatabase(pg.url, { poolSize: 2 });
    try {
      for (let i = 0; i < 3; i++) {
        const error = await caught(() =>
          within(
            3000,
            db.prisma.$transaction(async (tx) => {
              await admin.query("SELECT pg_terminate_backend($1)", [await backendPid(tx)]);
              await new Promise((resolve) => setTimeout(resolve, 50));
              await tx.$queryRaw`SELECT 1`;
            }),
          ),
        );
        expect(isDatabaseUnavailable(error)).toBe(true);
      }
      await within(1000, db.ping());
    } finally {
      await within(3000, db.close());
    }
  });

  it("a backend that stops answering is given up after the query timeout, in and out of transactions", async () => {
    const db = await openDatabase(pg.url, { poolSize: 1, statementTimeoutMs: 200, queryTimeoutMs: 400 });
    const stalled: number[] = [];
    const stall = (pid: number) => {
      stalled.push(pid);
      process.kill(pid, "SIGSTOP");
    };
    try {
      for (let i = 0; i < 2; i++) {
        const error = await caught(() =>
          within(
            2000,
            db.prisma.$transaction(async (tx) => {
              stall(await backendPid(tx));
              await tx.$queryRaw`SELECT 1`;
            }),
          ),
        );
        expect(error).toMatchObject({ message: "Query read timeout" });
        expect(isDatabaseUnavailable(error)).toBe(true);
      }
      stall(await backendPid(db.prisma));
      const error = await caught(() => within(2000, db.ping()));
      expect(isDatabaseUnavailable(error)).toBe(true);
      await within(1000, db.ping());
    } finally {
      for (const pid of stalled) process.kill(pid, "SIGCONT");
      await within(3000, db.close());
    }
  });
});
