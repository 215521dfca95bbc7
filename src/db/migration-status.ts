import path from "node:path";
import type { Database } from "./database";
import { readAllMigrationFiles } from "./migration-files";
import { readMigrationRows, type MigrationRow } from "./migrations-table";
import { defaultMigrationsDir } from "../project-root";
import type { MigrateOptions } from "./migrator";

/**
 * applied: committed with the checksum of today's file. pending: not yet applied. modified: applied,
 * but the file changed since. failed: an earlier run started it and never finished (the migrator
 * refuses to go on until it is resolved).
 */
export type MigrationState = "applied" | "pending" | "modified" | "failed";

export interface MigrationStatusEntry {
  name: string;
  /** The folder it comes from (the core's or a module's). */
  dir: string;
  state: MigrationState;
}

export interface MigrationStatus {
  migrations: MigrationStatusEntry[];
  /** Recorded as applied but in none of the folders: applied by another version of the code. */
  unknown: string[];
}

/**
 * What `migrate` would do, without doing anything: reads `_prisma_migrations` (absent on a new
 * database, then everything is pending) and compares it with the folders, as the migrator does.
 */
export async function migrationStatus(db: Pick<Database, "sql">, opts: MigrateOptions = {}): Promise<MigrationStatus> {
  const files = await readAllMigrationFiles([opts.migrationsDir ?? defaultMigrationsDir(), ...(opts.moduleMigrationsDirs ?? [])]);
  const rows = await db.sql.withSession(async (session) => {
    const [table] = await session.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    return table?.present ? readMigrationRows(session) : [];
  });
  const recorded = latestRows(rows);
  const migrations = files.map((file) => {
    const row = recorded.get(file.name);
    const dir = path.dirname(path.dirname(file.path));
    return { name: file.name, dir, state: stateOf(row, [file.checksum, file.alternateChecksum]) };
  });
  const names = new Set(files.map((file) => file.name));
  const unknown = [...recorded.values()].filter((row) => !names.has(row.migration_name) && row.finished_at !== null).map((row) => row.migration_name);
  return { migrations, unknown };
}

/** Rolled-back rows no longer count, as in the migrator and `prisma migrate status`. */
function latestRows(rows: readonly MigrationRow[]): Map<string, MigrationRow> {
  const live = new Map<string, MigrationRow>();
  for (const row of rows) if (row.rolled_back_at === null) live.set(row.migration_name, row);
  return live;
}

function stateOf(row: MigrationRow | undefined, checksums: readonly string[]): MigrationState {
  if (!row) return "pending";
  if (row.finished_at === null) return "failed";
  return checksums.includes(row.checksum) ? "applied" : "modified";
}
