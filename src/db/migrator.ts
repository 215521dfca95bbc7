import type { Database } from "./database";
import { readAllMigrationFiles, type MigrationFile } from "./migration-files";
import { ensureMigrationsTable, readMigrationRows, recordMigration, type MigrationRow } from "./migrations-table";
import { defaultMigrationsDir } from "../project-root";
import type { SqlSession } from "./sql-driver";

/** Prisma Migrate's advisory lock key, so this and `prisma migrate deploy` also exclude each other. */
const ADVISORY_LOCK_KEY = 72707369;

export interface MigrateOptions {
  /** Defaults to <project root>/prisma/migrations. */
  migrationsDir?: string;
  /** Modules' migration folders, applied with the core's in one name (timestamp) order. */
  moduleMigrationsDirs?: readonly string[];
}

/**
 * Applies the committed migrations not yet in `_prisma_migrations`, oldest first, each in its own
 * transaction. Returns the names applied by this call (empty when already up to date).
 */
export async function migrate(db: Pick<Database, "kind" | "sql">, opts: MigrateOptions = {}): Promise<string[]> {
  const files = await readAllMigrationFiles([opts.migrationsDir ?? defaultMigrationsDir(), ...(opts.moduleMigrationsDirs ?? [])]);
  return db.sql.withSession(async (session) => {
    // PGlite is one in-process connection: nothing else can race us, so no lock is needed.
    if (db.kind !== "postgres") return applyPending(session, files);
    await session.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    try {
      return await applyPending(session, files);
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
    }
  });
}

async function applyPending(session: SqlSession, files: MigrationFile[]): Promise<string[]> {
  // Created under the lock: two concurrent CREATE TABLE IF NOT EXISTS can still collide.
  await ensureMigrationsTable(session);
  const applied = appliedByName(await readMigrationRows(session));
  const done: string[] = [];
  for (const file of files) {
    const row = applied.get(file.name);
    if (row) {
      assertUnchanged(file, row);
      continue;
    }
    await applyOne(session, file);
    done.push(file.name);
  }
  return done;
}

async function applyOne(session: SqlSession, file: MigrationFile): Promise<void> {
  try {
    await session.transaction(async (tx) => {
      await tx.exec(file.sql);
      await recordMigration(tx, file);
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration "${file.name}" failed and was rolled back: ${reason}`, { cause: error });
  }
}

/**
 * Rows rolled back with `prisma migrate resolve` no longer count. A row that never finished comes
 * from a failed `prisma migrate deploy`; carrying on over it could stack changes on a half schema.
 */
function appliedByName(rows: MigrationRow[]): Map<string, MigrationRow> {
  const applied = new Map<string, MigrationRow>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new Error(
        `Migration "${row.migration_name}" failed in an earlier run and was never resolved; ` +
          `fix the database, then mark it with \`prisma migrate resolve\`.`,
      );
    }
    applied.set(row.migration_name, row);
  }
  return applied;
}

/** An edited, already-applied migration means this database and the repository disagree. */
function assertUnchanged(file: MigrationFile, row: MigrationRow): void {
  if (row.checksum === file.checksum || row.checksum === file.alternateChecksum) return;
  throw new Error(
    `Migration "${file.name}" was modified after it was applied: the database recorded checksum ` +
      `${row.checksum} but ${file.path} now hashes to ${file.checksum}. ` +
      `Restore the original file and put the change in a new migration.`,
  );
}
