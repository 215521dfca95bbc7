import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, unlink, writeFile } from "node:fs/promises";
import { cpSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { messages, PGlite } from "@electric-sql/pglite";
import { EMBEDDED_DATABASE_DOWN, ThreadedPGlite } from "../../../src/db/pglite-thread/threaded-pglite";
import { isDatabaseUnavailable } from "../../../src/db/service-unavailable";
import { writePgliteTemplate } from "../../../src/db/pglite-template";
import { writePgliteTemplateDir } from "../../../src/db/pglite-template-dir";

/** PGlite on its worker thread: what the adapter, the hot statements and the migrator rely on. */
describe("ThreadedPGlite", () => {
  let db: ThreadedPGlite;

  beforeAll(async () => {
    db = new ThreadedPGlite(null, { startParams: PGlite.defaultStartParams, template: null });
    await db.waitReady;
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, at timestamptz, doc jsonb)");
  }, 60_000);
  afterAll(() => db.close());

  it("parses PostgreSQL's text on this thread, with the caller's parsers over PGlite's own", async () => {
    await db.query("INSERT INTO t VALUES (1, '2030-01-01T00:00:00Z', '{\"a\":1}')");
    const plain = await db.query<{ id: number; at: Date; doc: unknown }>("SELECT * FROM t WHERE id = $1", [1]);
    expect(plain.rows).toEqual([{ id: 1, at: new Date("2030-01-01T00:00:00Z"), doc: { a: 1 } }]);
    const custom = await db.query<unknown[]>("SELECT id, at FROM t", [], { rowMode: "array", parsers: { 1184: (text: string) => `text:${text}` } });
    expect(custom.rows).toEqual([[1, "text:2030-01-01 00:00:00+00"]]);
    expect(custom.fields.map((f) => f.name)).toEqual(["id", "at"]);
  });

  it("rebuilds PostgreSQL's errors as PGlite's DatabaseError, with their code and constraint", async () => {
    const error = await db.query("INSERT INTO t (id) VALUES (1)").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(messages.DatabaseError);
    expect(error).toMatchObject({ code: "23505", severity: "ERROR", constraint: "t_pkey" });
  });

  it("runs nothing else inside a transaction: a statement sent meanwhile waits for its end", async () => {
    const sent: { outside?: Promise<{ rows: unknown[] }> } = {};
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id) VALUES (2)");
      sent.outside = db.query<{ n: number }>("SELECT count(*)::int AS n FROM t WHERE id = 2");
      await new Promise((r) => setTimeout(r, 50));
      await tx.rollback();
    });
    expect((await sent.outside)?.rows).toEqual([{ n: 0 }]);
  });

  it("refuses a statement on a transaction that has ended, instead of running it outside", async () => {
    const kept: { tx?: { query(sql: string): Promise<unknown> } } = {};
    await db.transaction(async (tx) => {
      kept.tx = tx;
    });
    await expect(kept.tx?.query("INSERT INTO t (id) VALUES (5)")).rejects.toThrow("Transaction is closed");
    expect((await db.query("SELECT id FROM t WHERE id = 5")).rows).toEqual([]);
  });

  it("commits what the callback wrote, and rolls back when it throws", async () => {
    await db.transaction((tx) => tx.query("INSERT INTO t (id) VALUES (3)"));
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t (id) VALUES (4)");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect((await db.query<{ id: number }>("SELECT id FROM t WHERE id IN (3, 4) ORDER BY id")).rows).toEqual([{ id: 3 }]);
  });

  describe("prepared statements (the hot statements)", () => {
    const select = "SELECT id, at, doc, $2::text AS note FROM t WHERE id = $1";

    it("answer as query() does, parsed the same way, and are parsed once per name", async () => {
      await db.query("INSERT INTO t VALUES (10, '2031-05-06T07:08:09.123Z', '{\"b\":[1,2]}')");
      const plain = await db.query(select, [10, "x"]);
      for (let i = 0; i < 3; i++) {
        const prepared = await db.prepared("hot_t_select", select, [10, "x"]);
        expect(prepared.rows).toEqual(plain.rows);
        expect(prepared.rows).toEqual([{ id: 10, at: new Date("2031-05-06T07:08:09.123Z"), doc: { b: [1, 2] }, note: "x" }]);
        expect(prepared.fields.map((f) => f.name)).toEqual(["id", "at", "doc", "note"]);
      }
      const known = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'hot_t_select'");
      expect(known.rows).toEqual([{ n: 1 }]);
    });

    it("send numbers, booleans, JSON text and nulls as their text, and count written rows", async () => {
      const insert = "INSERT INTO t (id, at, doc) SELECT $1::int, $2::timestamptz, $3::jsonb WHERE $4::boolean";
      const written = await db.prepared("hot_t_insert", insert, [11, "2032-01-01T00:00:00.000Z", JSON.stringify({ c: "é" }), true]);
      expect(written).toMatchObject({ affectedRows: 1, rows: [] });
      const skipped = await db.prepared("hot_t_insert", insert, [12, null, null, false]);
      expect(skipped).toMatchObject({ affectedRows: 0 });
      const row = await db.query("SELECT at, doc FROM t WHERE id = 11");
      expect(row.rows).toEqual([{ at: new Date("2032-01-01T00:00:00Z"), doc: { c: "é" } }]);
    });

    it("send a statement with any other value (a date, an object) through query(), which serializes by type", async () => {
      const insert = "INSERT INTO t (id, at, doc) VALUES ($1::int, $2::timestamptz, $3::jsonb)";
      await db.prepared("hot_t_insert_typed", insert, [16, new Date("2033-01-01T00:00:00Z"), { d: 1 }]);
      expect((await db.query("SELECT at, doc FROM t WHERE id = 16")).rows).toEqual([{ at: new Date("2033-01-01T00:00:00Z"), doc: { d: 1 } }]);
      const known = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'hot_t_insert_typed'");
      expect(known.rows).toEqual([{ n: 0 }]);
    });

    it("prepare again a statement PostgreSQL dropped (DEALLOCATE ALL) or whose result type changed", async () => {
      await db.exec("CREATE TABLE stale (id int PRIMARY KEY, tag text)");
      await db.query("INSERT INTO stale VALUES (1, 'a')");
      const select = "SELECT tag FROM stale WHERE id = $1::int";
      expect((await db.prepared("hot_stale", select, [1])).rows).toEqual([{ tag: "a" }]);
      await db.exec("DEALLOCATE ALL");
      expect((await db.prepared("hot_stale", select, [1])).rows).toEqual([{ tag: "a" }]);
      await db.exec("ALTER TABLE stale ALTER COLUMN tag TYPE int USING 7");
      expect((await db.prepared("hot_stale", select, [1])).rows).toEqual([{ tag: 7 }]);
      expect((await db.prepared("hot_stale", select, [1])).rows).toEqual([{ tag: 7 }]);
    });

    it("fail with PostgreSQL's error, and the statement still runs afterwards", async () => {
      const insert = "INSERT INTO t (id) VALUES ($1::int)";
      await db.prepared("hot_t_insert_id", insert, [13]);
      const error = await db.prepared("hot_t_insert_id", insert, [13]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(messages.DatabaseError);
      expect(error).toMatchObject({ code: "23505", constraint: "t_pkey" });
      await expect(db.prepared("hot_t_insert_id", insert, [14])).resolves.toMatchObject({ affectedRows: 1 });
      // A statement PostgreSQL cannot parse is not remembered as prepared: it fails again, the same way.
      for (let i = 0; i < 2; i++) await expect(db.prepared("hot_t_bad", "SELEC 1", [])).rejects.toMatchObject({ code: "42601" });
    });

    it("send a statement whose parameters need a typed serializer (an array) unnamed, through query()", async () => {
      const result = await db.prepared<{ n: number }>("hot_t_array", "SELECT cardinality($1::int[])::int AS n", [[1, 2, 3]]);
      expect(result.rows).toEqual([{ n: 3 }]);
      const known = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'hot_t_array'");
      expect(known.rows).toEqual([{ n: 0 }]);
    });

    it("wait for an open transaction to end, as every statement outside it does", async () => {
      const sent: { outside?: Promise<{ rows: unknown[] }> } = {};
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO t (id) VALUES (15)");
        sent.outside = db.prepared("hot_t_count", "SELECT count(*)::int AS n FROM t WHERE id = $1", [15]);
        await new Promise((r) => setTimeout(r, 50));
        await tx.rollback();
      });
      expect((await sent.outside)?.rows).toEqual([{ n: 0 }]);
    });
  });

  it("once closed, answers each statement as PGlite did (\"PGlite is closed\"), instead of hanging", async () => {
    const other = new ThreadedPGlite(null, { startParams: PGlite.defaultStartParams, template: null });
    await other.waitReady;
    await other.close();
    const error = await other.query("SELECT 1").catch((e: unknown) => e);
    expect(error).toMatchObject({ message: "PGlite is closed" });
    expect(isDatabaseUnavailable(error)).toBe(false);
  }, 60_000);

  it("a thread that dies on its own fails the statement in flight as an outage, and this process lives on", async () => {
    const other = new ThreadedPGlite(null, { startParams: PGlite.defaultStartParams, template: null });
    await other.waitReady;
    const inFlight = other.query("SELECT pg_sleep(2)").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    // What a WebAssembly abort or an out-of-memory in the worker comes to.
    await (other as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const error = await inFlight;
    expect(error).toMatchObject({ message: EMBEDDED_DATABASE_DOWN });
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(await other.query("SELECT 1").catch((e: unknown) => e))).toBe(true);
  }, 60_000);
});

describe("the fresh-directory template", () => {
  it("is initdb's output: a directory loaded from it is a working database, kept on disk", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pglite-template-"));
    try {
      const file = path.join(dir, "template.tar.gz");
      await writePgliteTemplate(file);
      const bytes = await readFile(file);
      const dataDir = path.join(dir, "data");
      const db = new ThreadedPGlite(dataDir, { startParams: PGlite.defaultStartParams, template: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
      await db.waitReady;
      await db.exec("CREATE TABLE kept (id int)");
      await db.close();
      expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
      const again = new ThreadedPGlite(dataDir, { startParams: PGlite.defaultStartParams, template: null });
      await again.waitReady;
      expect((await again.query<{ n: number }>("SELECT count(*)::int AS n FROM kept")).rows).toEqual([{ n: 0 }]);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the fresh-directory template as a directory", () => {
  let dir: string;
  let templateDir: string;
  const options = (extra: { templateDir?: string }) => ({ startParams: PGlite.defaultStartParams, template: null, ...extra });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pglite-template-dir-"));
    const file = path.join(dir, "template.tar.gz");
    await writePgliteTemplate(file);
    templateDir = path.join(dir, "template");
    await writePgliteTemplateDir(file, templateDir);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Every mode under `root` (the root's own too), as octal strings, counted. */
  async function modesUnder(root: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const walk = async (at: string) => {
      const info = await stat(at);
      const key = `${info.isDirectory() ? "dir" : "file"} ${(info.mode & 0o777).toString(8)}`;
      counts[key] = (counts[key] ?? 0) + 1;
      if (info.isDirectory()) for (const name of await readdir(at)) await walk(path.join(at, name));
    };
    await walk(root);
    return counts;
  }

  it("is written whole, and a second writer leaves the first one's directory and no partial one behind", async () => {
    expect(existsSync(path.join(templateDir, "PG_VERSION"))).toBe(true);
    await writePgliteTemplateDir(path.join(dir, "template.tar.gz"), templateDir);
    expect((await readdir(dir)).sort()).toEqual(["template", "template.tar.gz"]);
  }, 120_000);

  it("is readable by every user (a server may run as another user than the build)", async () => {
    expect(Object.keys(await modesUnder(templateDir)).sort()).toEqual(["dir 755", "file 644"]);
  });

  it("removes the partial directories of builds whose process is gone, and replaces a directory in its way that is no template", async () => {
    const target = path.join(dir, "second");
    const abandoned = `${target}.999999999.partial`; // no such process
    const live = `${target}.${process.ppid}.partial`; // another build, still running
    await mkdir(abandoned);
    await mkdir(live);
    await mkdir(path.join(target, "base"), { recursive: true }); // no PG_VERSION
    await writePgliteTemplateDir(path.join(dir, "template.tar.gz"), target);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(path.join(target, "PG_VERSION"))).toBe(true);
    await rm(live, { recursive: true });
    await rm(target, { recursive: true });
  }, 120_000);

  it("is copied into a fresh directory by the database's thread, which is then a working database kept on disk", async () => {
    const dataDir = path.join(dir, "copied");
    const db = new ThreadedPGlite(dataDir, options({ templateDir }));
    await db.waitReady;
    await db.exec("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
    await db.close();
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    const again = new ThreadedPGlite(dataDir, options({}));
    await again.waitReady;
    expect((await again.query<{ n: number }>("SELECT count(*)::int AS n FROM kept")).rows).toEqual([{ n: 1 }]);
    await again.close();
    // The template itself is never opened: a second fresh directory has no such table.
    const other = new ThreadedPGlite(path.join(dir, "other"), options({ templateDir }));
    await other.waitReady;
    expect((await other.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'")).rows).toEqual([{ n: 0 }]);
    await other.close();
  }, 120_000);

  it("is copied over a copy that was cut short (no PG_VERSION yet, a file half written)", async () => {
    const dataDir = path.join(dir, "cut-short");
    cpSync(templateDir, dataDir, { recursive: true });
    await unlink(path.join(dataDir, "PG_VERSION"));
    await truncate(path.join(dataDir, "global", "pg_control"), 100);
    await writeFile(path.join(dataDir, "pg_wal", "000000010000000000000001"), "garbage");
    const db = new ThreadedPGlite(dataDir, options({ templateDir }));
    await db.waitReady;
    expect((await db.query<{ ok: number }>("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
    await db.close();
  }, 120_000);

  it("fails the start with the copy's error when the template cannot be read, leaving the directory fresh", async () => {
    const dataDir = path.join(dir, "unreadable");
    const db = new ThreadedPGlite(dataDir, options({ templateDir: path.join(dir, "no-such-template") }));
    await expect(db.waitReady).rejects.toThrow(/ENOENT/);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(false);
  }, 60_000);
});
