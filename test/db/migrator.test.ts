import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { migrate, openDatabase, type Database } from "../../src/db";
import { findProjectRoot } from "../../src/project-root";
import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";

const ROOT = findProjectRoot(__dirname);
const MIGRATIONS = path.join(ROOT, "prisma", "migrations");
const INIT = "20261122120000_init";
/** Every committed migration folder, in the order they must apply. */
const COMMITTED = readdirSync(MIGRATIONS)
  .filter((name) => existsSync(path.join(MIGRATIONS, name, "migration.sql")))
  .sort();

interface Fresh {
  url: string;
  cleanup(): Promise<void>;
}

async function freshPglite(): Promise<Fresh> {
  return { url: "pglite:memory", cleanup: async () => undefined };
}

async function freshPostgres(): Promise<Fresh> {
  const created = await createTestDatabase();
  return { url: created.url, cleanup: created.drop };
}

function rows(db: Database, sql: string) {
  return db.sql.withSession((s) => s.query(sql));
}

function migratorSuite(name: string, fresh: () => Promise<Fresh>): void {
  describe(`migrate() on ${name}`, () => {
    let target: Fresh;
    let db: Database;
    let scratch: string;

    beforeAll(async () => {
      target = await fresh();
      db = await openDatabase(target.url);
    });

    afterAll(async () => {
      await db?.close();
      await target?.cleanup();
    });

    // An empty public schema per test: far cheaper than a new database (PGlite boots in seconds).
    beforeEach(async () => {
      await db.sql.withSession((s) => s.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`));
      scratch = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    });

    afterEach(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it("applies the committed migrations once, in order, recording them exactly as Prisma does", async () => {
      expect(COMMITTED[0]).toBe(INIT);
      expect(await migrate(db)).toEqual(COMMITTED);
      expect(await migrate(db)).toEqual([]);
      const recorded = await rows(db, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(recorded.map((r) => r.migration_name)).toEqual(COMMITTED);
      for (const [i, row] of recorded.entries()) {
        const bytes = await readFile(path.join(MIGRATIONS, COMMITTED[i] ?? "", "migration.sql"));
        expect(row).toMatchObject({
          checksum: createHash("sha256").update(bytes).digest("hex"),
          applied_steps_count: 1,
          logs: null,
          rolled_back_at: null,
        });
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(String(row.id)).toHaveLength(36);
      }
      expect(await rows(db, `SELECT count(*)::int AS n FROM users`)).toEqual([{ n: 0 }]);
    });

    it("has Prisma's exact _prisma_migrations columns", async () => {
      await migrate(db);
      const columns = await rows(
        db,
        `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns).toEqual([
        { column_name: "id", data_type: "character varying", len: 36, is_nullable: "NO", column_default: null },
        { column_name: "checksum", data_type: "character varying", len: 64, is_nullable: "NO", column_default: null },
        { column_name: "finished_at", data_type: "timestamp with time zone", len: null, is_nullable: "YES", column_default: null },
        { column_name: "migration_name", data_type: "character varying", len: 255, is_nullable: "NO", column_default: null },
        { column_name: "logs", data_type: "text", len: null, is_nullable: "YES", column_default: null },
        { column_name: "rolled_back_at", data_type: "timestamp with time zone", len: null, is_nullable: "YES", column_default: null },
        { column_name: "started_at", data_type: "timestamp with time zone", len: null, is_nullable: "NO", column_default: "now()" },
        { column_name: "applied_steps_count", data_type: "integer", len: null, is_nullable: "NO", column_default: "0" },
      ]);
    });

    it("refuses to run when an applied migration was edited, naming it", async () => {
      await migrate(db);
      await db.sql.withSession((s) => s.exec(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`));
      await expect(migrate(db)).rejects.toThrow(new RegExp(`Migration "${INIT}" was modified after it was applied`));
    });

    it("refuses to run over a migration that failed earlier and was never resolved", async () => {
      await migrate(db);
      await db.sql.withSession((s) => s.exec(`UPDATE "_prisma_migrations" SET finished_at = NULL`));
      await expect(migrate(db)).rejects.toThrow(/failed in an earlier run and was never resolved/);
    });

    it("rolls back a failing migration completely and names it", async () => {
      await cp(MIGRATIONS, scratch, { recursive: true });
      const broken = path.join(scratch, "20990101000000_broken");
      await mkdir(broken);
      await writeFile(path.join(broken, "migration.sql"), "CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n");

      await expect(migrate(db, { migrationsDir: scratch })).rejects.toThrow(/Migration "20990101000000_broken" failed and was rolled back: division by zero/);
      expect(await rows(db, `SELECT to_regclass('half_done')::text AS t`)).toEqual([{ t: null }]);
      const recorded = await rows(db, `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(recorded).toEqual(COMMITTED.map((migration_name) => ({ migration_name })));

      await writeFile(path.join(broken, "migration.sql"), "CREATE TABLE half_done (id int);\n");
      expect(await migrate(db, { migrationsDir: scratch })).toEqual(["20990101000000_broken"]);
    });

    it("reports a migration folder without migration.sql", async () => {
      await mkdir(path.join(scratch, "20990101000000_empty"));
      await expect(migrate(db, { migrationsDir: scratch })).rejects.toThrow(/"20990101000000_empty" has no readable migration.sql/);
    });
  });
}

migratorSuite("PGlite (memory)", freshPglite);

describeWithPostgres("migrate() on PostgreSQL", () => {
  migratorSuite("PostgreSQL", freshPostgres);

  describe("from two instances", () => {
    it("lets both start at once: the advisory lock makes one apply and the other skip", async () => {
      const target = await freshPostgres();
      const [a, b] = await Promise.all([openDatabase(target.url), openDatabase(target.url)]);
      try {
        const results = await Promise.all([migrate(a), migrate(b)]);
        // Each migration applied exactly once, whichever instance did it.
        expect(results.flat().sort()).toEqual(COMMITTED);
        const recorded = await rows(a, `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
        expect(recorded).toEqual(COMMITTED.map((migration_name) => ({ migration_name })));
      } finally {
        await Promise.all([a.close(), b.close()]);
        await target.cleanup();
      }
    });
  });
});

describe("migrations directory", () => {
  it("is found from compiled output too (dist/src/db walks up to package.json)", () => {
    expect(findProjectRoot(path.join(ROOT, "dist", "src", "db"))).toBe(ROOT);
    expect(findProjectRoot(path.join(ROOT, "src", "db"))).toBe(ROOT);
  });
});
