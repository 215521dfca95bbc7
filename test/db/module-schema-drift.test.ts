import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { moduleMigrationDirs } from "../../src/core";
import { type Database, migrate, openDatabase } from "../../src/db";
import { findProjectRoot } from "../../src/project-root";
import { projectsModule } from "../fixtures/projects";
import { catalogSnapshot, type CatalogSnapshot } from "./catalog-snapshot";

const ROOT = findProjectRoot(__dirname);
const SCHEMA = "test/fixtures/projects/projects.prisma";

/** What `prisma migrate diff --from-empty` writes for the module's schema (with the users stub). */
async function moduleSchemaSql(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    path.join(ROOT, "node_modules", ".bin", "prisma"),
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", SCHEMA, "--script"],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: "postgresql://cli@localhost/unused", CHECKPOINT_DISABLE: "1" } },
  );
  return stdout;
}

/** The module's own tables only: the users stub is the core's business. */
function tablesOfModule(snapshot: CatalogSnapshot, tables: string[]): CatalogSnapshot {
  const mine = (row: unknown) => {
    const record = row as { table_name?: string; tablename?: string };
    return tables.includes(record.table_name ?? record.tablename ?? "");
  };
  return { columns: snapshot.columns.filter(mine), indexes: snapshot.indexes.filter(mine), constraints: snapshot.constraints.filter(mine), enums: [] };
}

describe("a module's Prisma schema and its migrations (the projects example)", () => {
  let fromSchema: Database;
  let fromMigrations: Database;

  beforeAll(async () => {
    const [sql, a, b] = await Promise.all([moduleSchemaSql(), openDatabase("pglite:memory"), openDatabase("pglite:memory")]);
    fromSchema = a;
    fromMigrations = b;
    await fromSchema.sql.withSession((s) => s.exec(sql));
    await migrate(fromMigrations, { moduleMigrationsDirs: moduleMigrationDirs([projectsModule]) });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([fromSchema?.close(), fromMigrations?.close()]);
  });

  it("describe the same projects table (if not: write a new migration with `prisma migrate diff`)", async () => {
    const expected = tablesOfModule(await fromSchema.sql.withSession(catalogSnapshot), ["projects"]);
    expect(expected.columns).toHaveLength(4);
    expect(expected.constraints).toContainEqual(expect.objectContaining({ definition: expect.stringContaining("ON DELETE CASCADE") }));
    expect(tablesOfModule(await fromMigrations.sql.withSession(catalogSnapshot), ["projects"])).toEqual(expected);
  });
});
