import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createStores, type Database, DataDirInUseError, migrate, openDatabase, parseDatabaseUrl, startOpeningDatabase } from "../../src/db";
import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";

describe("parseDatabaseUrl", () => {
  it.each([
    ["postgresql://app:pw@db:5432/auth", { kind: "postgres", connectionString: "postgresql://app:pw@db:5432/auth" }],
    ["postgres://localhost/auth", { kind: "postgres", connectionString: "postgres://localhost/auth" }],
    ["pglite:memory", { kind: "pglite", dataDir: null }],
    ["pglite:./.data/pglite", { kind: "pglite", dataDir: "./.data/pglite" }],
    ["pglite:/var/lib/auth", { kind: "pglite", dataDir: "/var/lib/auth" }],
  ])("accepts %s", (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each(["", "mysql://u@h/db", "pglite:", "postgresql://", "file:./dev.db", "memory"])("rejects %j clearly", (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/Unsupported database URL .*expected postgresql:\/\/.*pglite:memory or pglite:<directory>/);
  });

  it("never echoes a password from a rejected URL", async () => {
    await expect(openDatabase("mysql://app:s3cret@db/auth")).rejects.toThrow(/mysql:\/\/app:\*\*\*@db\/auth/);
    await expect(openDatabase("mysql://app:s3cret@db/auth")).rejects.not.toThrow(/s3cret/);
  });
});

describe("openDatabase on PGlite", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pglite-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps data in a directory across close and reopen, creating missing parents", async () => {
    const url = `pglite:${path.join(dir, "nested", "data")}`;
    const id = randomUUID();
    const first = await openDatabase(url);
    expect(first.kind).toBe("pglite");
    await migrate(first);
    await createStores(first).users.create({ id, email: `${id}@example.test`, passwordHash: "h", role: "USER", createdAt: new Date(0), emailVerified: false });
    // Held while open: a second open of the same directory is refused, not given a second copy.
    await expect(openDatabase(url)).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(openDatabase(url)).rejects.toThrow(`(DATABASE_URL=${url});`);
    await first.close();
    expect(existsSync(`${path.join(dir, "nested", "data")}.lock`)).toBe(false);

    const again = await openDatabase(url);
    try {
      expect(await migrate(again)).toEqual([]);
      expect(await createStores(again).users.findById(id)).toMatchObject({ id, createdAt: new Date(0) });
    } finally {
      await again.close();
    }
  });

  it("releases the lock when the directory cannot be opened", async () => {
    const notADirectory = path.join(dir, "a-file");
    await writeFile(notADirectory, "");
    await expect(openDatabase(`pglite:${notADirectory}`)).rejects.toThrow(/EEXIST/);
    expect(existsSync(`${notADirectory}.lock`)).toBe(false);
  });

  it("pings in memory and tolerates a second close", async () => {
    const db = await openDatabase("pglite:memory");
    await expect(db.ping()).resolves.toBeUndefined();
    await db.close();
    await expect(db.close()).resolves.toBeUndefined();
  });

  it("pings on the hot statements' driver, never through Prisma (whose engine a probe must not load)", async () => {
    const db = await openDatabase("pglite:memory");
    try {
      const pinged = expectPingOnHotDriver(db);
      await db.ping();
      pinged();
    } finally {
      await db.close();
    }
  });
});

describe("startOpeningDatabase (main.ts loads the server's modules meanwhile)", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pglite-early-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves once PGlite's thread is starting, after the directory lock, before the database is ready", async () => {
    const url = `pglite:${path.join(dir, "data")}`;
    const early = await startOpeningDatabase(url);
    let ready = false;
    void early.opened.then(() => (ready = true));
    // Booting takes the thread about a second; nothing of it can have finished within a turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(ready).toBe(false);
    // The lock is already this process's: a second open is refused while the first boots.
    await expect(openDatabase(url)).rejects.toBeInstanceOf(DataDirInUseError);
    const db = await early.opened;
    try {
      await expect(db.ping()).resolves.toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it("resolves when the open fails, holding the failure for whoever awaits the database", async () => {
    const url = `pglite:${path.join(dir, "held")}`;
    const holder = await openDatabase(url);
    const unhandled = jest.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const early = await startOpeningDatabase(url);
      // It waited for the refusal rather than returning before it (where nothing would hold it).
      let state = "pending";
      void early.opened.then(
        () => (state = "open"),
        () => (state = "refused"),
      );
      await Promise.resolve(); // the reaction to an already settled promise has run by now
      expect(state).toBe("refused");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).not.toHaveBeenCalled();
      await expect(early.opened).rejects.toBeInstanceOf(DataDirInUseError);
    } finally {
      process.off("unhandledRejection", unhandled);
      await holder.close();
    }
  });

  it("rejects nothing itself for a URL it cannot parse: the database promise does", async () => {
    const early = await startOpeningDatabase("mysql://app:s3cret@db/auth");
    await expect(early.opened).rejects.toThrow(/Unsupported database URL/);
  });
});

describeWithPostgres("openDatabase on PostgreSQL", () => {
  it("pings a live server and tolerates a second close", async () => {
    const fresh = await createTestDatabase();
    const db = await openDatabase(fresh.url);
    try {
      expect(db.kind).toBe("postgres");
      const pinged = expectPingOnHotDriver(db);
      await expect(db.ping()).resolves.toBeUndefined();
      pinged();
    } finally {
      await db.close();
      await db.close();
      await fresh.drop();
    }
  });
});

describe("openDatabase on an unreachable PostgreSQL", () => {
  it("opens lazily, and ping reports the failure", async () => {
    // Port 1 on loopback: refused at once, no server needed.
    const db = await openDatabase("postgresql://nobody@127.0.0.1:1/none", { connectionTimeoutMs: 1_000 });
    try {
      await expect(db.ping()).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});

/** Spies on `db`: its ping must run `SELECT 1` on `db.hot` and nothing through Prisma. Returns the check. */
function expectPingOnHotDriver(db: Database): () => void {
  const hot = jest.spyOn(db.hot, "rows");
  const prisma = jest.spyOn(db.prisma, "$queryRaw");
  // Prisma connects its adapter when its engine starts, whichever query method started it.
  const engine = jest.spyOn(db.adapter, "connect");
  const check = () => {
    expect(hot).toHaveBeenCalledTimes(1);
    expect((hot.mock.calls[0]?.[0] as { sql: string }).sql).toBe("SELECT 1");
    expect(prisma).not.toHaveBeenCalled();
    expect(engine).not.toHaveBeenCalled();
  };
  return check;
}
