import { GraphQLError } from "graphql";
import { Pool } from "pg";
import { AuthError } from "../../src/auth";
import { type Database, isDatabaseUnavailable, migrate, openDatabase, toServiceUnavailable } from "../../src/db";
import { type FakeBehaviour, freePort, startFakePostgres } from "../support/fake-postgres";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { caught } from "../support/capture";

function expectUnavailable(error: unknown): void {
  expect(isDatabaseUnavailable(error)).toBe(true);
  const translated = toServiceUnavailable(error);
  expect(translated).toBeInstanceOf(AuthError);
  expect(translated?.code).toBe("SERVICE_UNAVAILABLE");
}

function expectNotUnavailable(error: unknown): void {
  expect(isDatabaseUnavailable(error)).toBe(false);
  expect(toServiceUnavailable(error)).toBeNull();
}

/** What each request path of the app throws, from one failing database. */
async function failuresOf(db: Database): Promise<Record<"model" | "raw" | "transaction" | "ping", unknown>> {
  return {
    model: await caught(() => db.prisma.user.findUnique({ where: { email: "a@example.com" } })),
    raw: await caught(() => db.prisma.$queryRaw`SELECT 1`),
    transaction: await caught(() => db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1`)),
    // The readiness probe: the hot statements' driver (pg itself), not Prisma.
    ping: await caught(() => db.ping()),
  };
}

async function withDatabase<T>(url: string, work: (db: Database) => Promise<T>, connectionTimeoutMs = 300): Promise<T> {
  const db = await openDatabase(url, { connectionTimeoutMs });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** One embedded database for the cases that need a working Prisma (booting PGlite takes seconds). */
let pglite: Database;

beforeAll(async () => {
  pglite = await openDatabase("pglite:memory");
  await migrate(pglite);
});
afterAll(async () => {
  await pglite?.close();
});

describe("toServiceUnavailable: errors captured from an unreachable database", () => {
  it("pg on a refused port: the Node socket error", async () => {
    const pool = new Pool({ connectionString: `postgresql://x@127.0.0.1:${await freePort()}/x` });
    try {
      const error = await caught(() => pool.query("SELECT 1"));
      expect(error).toMatchObject({ code: "ECONNREFUSED", syscall: "connect" });
      expectUnavailable(error);
    } finally {
      await pool.end();
    }
  });

  it("Prisma on a refused port: P1001 (model, transaction) and P2010 wrapping DatabaseNotReachable (raw)", async () => {
    const failures = await withDatabase(`postgresql://x@127.0.0.1:${await freePort()}/x`, failuresOf);
    const notReachable = { driverAdapterError: { cause: { kind: "DatabaseNotReachable" } } };
    expect(failures.model).toMatchObject({ name: "PrismaClientKnownRequestError", code: "P1001", meta: notReachable });
    expect(failures.raw).toMatchObject({ name: "PrismaClientKnownRequestError", code: "P2010", meta: notReachable });
    expect(failures.transaction).toMatchObject({ name: "PrismaClientKnownRequestError", code: "P1001", meta: notReachable });
    expect(failures.ping).toMatchObject({ code: "ECONNREFUSED", syscall: "connect" });
    Object.values(failures).forEach(expectUnavailable);
  });

  it.each<[string, FakeBehaviour]>([
    ["57P03 (starting up, shutting down, in recovery)", { fatal: { code: "57P03", message: "the database system is shutting down" } }],
    ["57P01 (administrator command)", { fatal: { code: "57P01", message: "terminating connection due to administrator command" } }],
    ["53300 (too many connections)", { fatal: { code: "53300", message: "sorry, too many clients already" } }],
  ])("a server refusing sessions with FATAL %s, on every path", async (_what, behaviour) => {
    const fake = await startFakePostgres(behaviour);
    try {
      const failures = await withDatabase(fake.url, failuresOf);
      // Codes the engine has no Prisma code for arrive as a bare DriverAdapterError.
      expect(failures.raw).toMatchObject({ code: "P2010", meta: { driverAdapterError: { name: "DriverAdapterError" } } });
      expect(failures.ping).toMatchObject({ severity: "FATAL", code: typeof behaviour === "object" ? behaviour.fatal.code : null });
      Object.values(failures).forEach(expectUnavailable);
      const pool = new Pool({ connectionString: fake.url });
      const raw = await caught(() => pool.query("SELECT 1")).finally(() => pool.end());
      expect(raw).toMatchObject({ severity: "FATAL" });
      expectUnavailable(raw);
    } finally {
      await fake.close();
    }
  });

  it("a server that closes every connection: 'Connection terminated unexpectedly', unwrapped", async () => {
    const fake = await startFakePostgres("hang-up");
    try {
      const failures = await withDatabase(fake.url, failuresOf);
      expect(failures.model).toMatchObject({ name: "Error", message: "Connection terminated unexpectedly" });
      Object.values(failures).forEach(expectUnavailable);
    } finally {
      await fake.close();
    }
  });

  it("a server that never answers: the connect timeout, and the wait for a pool slot", async () => {
    const fake = await startFakePostgres("silent");
    try {
      const failures = await withDatabase(fake.url, failuresOf, 200);
      expect(failures.model).toMatchObject({ message: "Connection terminated due to connection timeout" });
      Object.values(failures).forEach(expectUnavailable);
      const pool = new Pool({ connectionString: fake.url, max: 1, connectionTimeoutMillis: 200 });
      const [first, queued] = await Promise.all([caught(() => pool.query("SELECT 1")), caught(() => pool.query("SELECT 2"))]);
      await pool.end();
      expect(queued).toMatchObject({ message: "timeout exceeded when trying to connect" });
      expectUnavailable(first);
      expectUnavailable(queued);
    } finally {
      await fake.close();
    }
  });

  it("an interactive transaction that runs out of time: P2028 with its timing", async () => {
    const error = await caught(() =>
      pglite.prisma.$transaction(
        async (tx) => {
          await new Promise((resolve) => setTimeout(resolve, 80));
          await tx.$queryRaw`SELECT 1`;
        },
        { timeout: 20 },
      ),
    );
    expect(error).toMatchObject({ code: "P2028", meta: { timeout: 20 } });
    expectUnavailable(error);
  });
});

describeWithPostgres("toServiceUnavailable: sessions ended by PostgreSQL", () => {
  let fresh: TestDatabase;
  let db: Database;
  let admin: Pool;

  beforeAll(async () => {
    fresh = await createTestDatabase();
    db = await openDatabase(fresh.url);
    admin = new Pool({ connectionString: fresh.url, max: 1 });
    admin.on("error", () => undefined);
  });
  afterAll(async () => {
    await db?.close();
    await admin?.end();
    await fresh?.drop();
  });

  const terminate = (pid: number) => admin.query("SELECT pg_terminate_backend($1)", [pid]);
  const backendPid = async (tx: Pick<Database["prisma"], "$queryRaw">) => {
    const [row] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
    if (!row) throw new Error("no backend pid");
    return row.pid;
  };

  async function untilSleeping(pid: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'PgSleep'", [pid]);
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`backend ${pid} never started sleeping`);
  }

  it("a backend terminated mid-transaction: 57P01 in flight, then 'not queryable' for the next statement", async () => {
    const inFlight = await caught(() =>
      db.prisma.$transaction(async (tx) => {
        const pid = await backendPid(tx);
        const sleeping = tx.$queryRaw`SELECT pg_sleep(5)::text`.then(
          () => null,
          (error: unknown) => error,
        );
        await untilSleeping(pid);
        await terminate(pid);
        const error = await sleeping;
        if (error) throw error;
      }),
    );
    expect(inFlight).toMatchObject({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "postgres", code: "57P01" } } } });
    expectUnavailable(inFlight);
    const next = await caught(() =>
      db.prisma.$transaction(async (tx) => {
        await terminate(await backendPid(tx));
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.$queryRaw`SELECT 1`;
      }),
    );
    expect(next).toMatchObject({ message: "Client has encountered a connection error and is not queryable" });
    expectUnavailable(next);
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it("statement_timeout: 57014", async () => {
    const impatient = await openDatabase(fresh.url, { statementTimeoutMs: 200 });
    try {
      const error = await caught(() => impatient.prisma.$queryRaw`SELECT pg_sleep(2)::text`);
      expect(error).toMatchObject({ code: "P2010", meta: { driverAdapterError: { cause: { code: "57014" } } } });
      expectUnavailable(error);
    } finally {
      await impatient.close();
    }
  });
});

describe("toServiceUnavailable: everything else stays an internal error", () => {
  const user = (id: string) => ({ id, email: "taken@example.com", passwordHash: "x", createdAt: new Date(), updatedAt: new Date() });

  it("a unique violation, a syntax error, a raised exception, a missing record, a closed transaction", async () => {
    const db = pglite;
    await db.prisma.user.create({ data: user("00000000-0000-4000-8000-000000000001") });
    const errors = [
      await caught(() => db.prisma.user.create({ data: user("00000000-0000-4000-8000-000000000002") })),
      await caught(() => db.prisma.$queryRawUnsafe("SELEC 1")),
      await caught(() => db.prisma.$transaction((tx) => tx.$executeRawUnsafe("DO $$ BEGIN RAISE EXCEPTION 'boom'; END $$"))),
      await caught(() => db.prisma.user.update({ where: { email: "nobody@example.com" }, data: { role: "ADMIN" } })),
      await caught(async () => {
        let leaked: { $queryRawUnsafe(sql: string): Promise<unknown> } | undefined;
        await db.prisma.$transaction(async (tx) => {
          leaked = tx;
        });
        await leaked?.$queryRawUnsafe("SELECT 1");
      }),
    ];
    expect(errors[4]).toMatchObject({ code: "P2028" });
    errors.forEach(expectNotUnavailable);
  });

  it("a PostgreSQL error that is not about availability (pg DatabaseError shape)", () => {
    expectNotUnavailable(Object.assign(new Error("duplicate key value"), { severity: "ERROR", code: "23505" }));
    expectNotUnavailable(Object.assign(new Error("deadlock detected"), { severity: "ERROR", code: "40P01" }));
  });

  it("plain and foreign errors, non-errors, and a cause cycle", () => {
    const cyclic = new Error("loop");
    (cyclic as Error & { cause: unknown }).cause = cyclic;
    for (const error of [new Error("boom"), new TypeError("x is undefined"), new GraphQLError("nope"), "ECONNREFUSED", null, undefined, 42, cyclic]) {
      expectNotUnavailable(error);
    }
  });

  it("looks through wrappers: Error.cause and AggregateError", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED ::1:5432"), { code: "ECONNREFUSED" });
    expectUnavailable(new Error("login failed", { cause: refused }));
    expectUnavailable(new AggregateError([refused], "connect failed"));
  });

  it("looks into graphql's NonErrorThrown: a driver's error thrown from another realm is no instanceof Error", () => {
    // What graphql makes of Node's socket error under Jest's module realms (seen on the hot SQL path).
    const foreign = { errno: -111, code: "ECONNREFUSED", syscall: "connect", address: "127.0.0.1", port: 5432 };
    expectUnavailable(Object.assign(new Error("Unexpected error value"), { name: "NonErrorThrown", thrownValue: foreign }));
    expectNotUnavailable(Object.assign(new Error("Unexpected error value"), { name: "NonErrorThrown", thrownValue: { code: "23505" } }));
  });
});
