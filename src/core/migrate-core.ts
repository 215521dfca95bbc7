import type { Logger } from "pino";
import type { Database } from "../db";
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
