import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Database, migrate, migrationStatus, openDatabase } from "../../src/db";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

const exec = (db: Database, sql: string) => db.sql.withSession((s) => s.exec(sql));
const query = (db: Database, sql: string) => db.sql.withSession((s) => s.query(sql));

function statusSuite(name: string, open: () => Promise<{ url: string; drop(): Promise<void> }>): void {
  describe(`migrationStatus() on ${name}`, () => {
    let target: { url: string; drop(): Promise<void> };
    let db: Database;
    let core: string;
    let module: string;

    beforeAll(async () => {
      target = await open();
      db = await openDatabase(target.url);
    }, 60_000);
    afterAll(async () => {
      await db?.close();
      await target?.drop();
    });
    beforeEach(async () => {
      await exec(db, `DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
      const scratch = await mkdtemp(path.join(os.tmpdir(), "migration-status-"));
      core = path.join(scratch, "core");
      module = path.join(scratch, "module");
      await addMigration(core, "20990101000000_one", "CREATE TABLE one (id int);\n");
      await addMigration(module, "20990102000000_two", "CREATE TABLE two (id int);\n");
    });
    afterEach(async () => rm(path.dirname(core), { recursive: true, force: true }));

    const status = () => migrationStatus(db, { migrationsDir: core, moduleMigrationsDirs: [module] });

    it("reports everything pending on a new database and creates nothing (read only)", async () => {
      expect(await status()).toEqual({
        migrations: [
          { name: "20990101000000_one", dir: core, state: "pending" },
          { name: "20990102000000_two", dir: module, state: "pending" },
        ],
        unknown: [],
      });
      expect(await query(db, `SELECT to_regclass('"_prisma_migrations"') IS NULL AS absent`)).toEqual([{ absent: true }]);
    });

    it("tells applied, pending, modified, failed and unknown migrations apart, as the migrator judges them", async () => {
      await migrate(db, { migrationsDir: core, moduleMigrationsDirs: [module] });
      expect((await status()).migrations.map((m) => m.state)).toEqual(["applied", "applied"]);

      await addMigration(core, "20990103000000_three", "CREATE TABLE three (id int);\n");
      await writeFile(path.join(module, "20990102000000_two", "migration.sql"), "CREATE TABLE two (id bigint);\n");
      await addMigration(module, "20990104000000_four", "CREATE TABLE four (id int);\n");
      await addMigration(core, "20990105000000_five", "CREATE TABLE five (id int);\n");
      await exec(
        db,
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, rolled_back_at) VALUES
           ('00000000-0000-4000-8000-000000000001', 'x', '20990104000000_four', NULL, NULL),
           ('00000000-0000-4000-8000-000000000002', 'x', '20990105000000_five', now(), now()),
           ('00000000-0000-4000-8000-000000000003', 'x', '20990106000000_newer_code', now(), NULL)`,
      );
      expect(await status()).toEqual({
        migrations: [
          { name: "20990101000000_one", dir: core, state: "applied" },
          { name: "20990102000000_two", dir: module, state: "modified" },
          { name: "20990103000000_three", dir: core, state: "pending" },
          { name: "20990104000000_four", dir: module, state: "failed" },
          // Rolled back with `prisma migrate resolve`: applies again.
          { name: "20990105000000_five", dir: core, state: "pending" },
        ],
        unknown: ["20990106000000_newer_code"],
      });
    });
  });
}

statusSuite("PGlite", async () => ({ url: "pglite:memory", drop: async () => undefined }));

describeWithPostgres("PostgreSQL", () => {
  statusSuite("PostgreSQL", async () => {
    const created: TestDatabase = await createTestDatabase();
    return { url: created.url, drop: created.drop };
  });
});
