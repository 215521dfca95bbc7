import type { Logger } from "pino";
import { type Database, type MigrationStatus, migrationStatus, openDatabase } from "../db";
import type { Module } from "./module";
import { emailsNeedingAttention, type PreparedDatabase, prepareDatabase } from "./prepare-database";

/** The migration folders of the given modules (the core's own is always first). */
export function moduleMigrationDirs(modules: readonly Module[]): string[] {
  return modules.flatMap((module) => (module.migrationsDir ? [module.migrationsDir] : []));
}

/** MIGRATE_ON_START: the same preparation as `npm run db:migrate`, reported in the log. */
export async function migrateCoreDatabase(db: Database, modules: readonly Module[], logger: Logger): Promise<PreparedDatabase> {
  const prepared = await prepareDatabase(db, moduleMigrationDirs(modules));
  const { applied, emails } = prepared;
  if (applied.length > 0) logger.info({ applied }, "database migrations applied");
  if (emails.rewritten > 0) logger.info({ rewritten: emails.rewritten }, "stored emails rewritten into canonical form");
  const attention = emailsNeedingAttention(emails);
  if (attention) logger.warn({ conflicts: emails.conflicts, refused: emails.refused }, attention);
  return prepared;
}

/**
 * `npm run db:migrate` (and the CLI): the core's database part alone — the same migrations of
 * the same modules as MIGRATE_ON_START — opened, prepared and closed. Needs no secrets.
 */
export async function migrateDatabase(databaseUrl: string, modules: readonly Module[]): Promise<PreparedDatabase> {
  const db = await openDatabase(databaseUrl);
  try {
    return await prepareDatabase(db, moduleMigrationDirs(modules));
  } finally {
    await db.close();
  }
}

/** `db status`: which migrations of the core and the modules are applied, read without changing anything. */
export async function readMigrationStatus(databaseUrl: string, modules: readonly Module[]): Promise<MigrationStatus> {
  const db = await openDatabase(databaseUrl);
  try {
    return await migrationStatus(db, { moduleMigrationsDirs: moduleMigrationDirs(modules) });
  } finally {
    await db.close();
  }
}
