import { randomUUID } from "node:crypto";
import type { MigrationFile } from "./migration-files";
import type { SqlExecutor } from "./sql-driver";

/** Prisma's own bookkeeping table, column for column, so `prisma migrate status` reads our rows. */
const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function ensureMigrationsTable(sql: SqlExecutor): Promise<void> {
  await sql.exec(CREATE_TABLE);
}

export async function readMigrationRows(sql: SqlExecutor): Promise<MigrationRow[]> {
  return sql.query<MigrationRow & Record<string, unknown>>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
}

/**
 * Written in the same transaction as the migration itself, so a row exists iff the migration
 * committed; started_at is the transaction start (now()), finished_at the wall clock at the end.
 */
export async function recordMigration(sql: SqlExecutor, migration: MigrationFile): Promise<void> {
  await sql.query(
    `INSERT INTO "_prisma_migrations"
       (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
    [randomUUID(), migration.checksum, migration.name],
  );
}
