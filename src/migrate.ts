import { ConfigError, loadDatabaseUrl } from "./config";
import { migrationReport } from "./cli/db-command";
import { migrateDatabase } from "./core";
import { DataDirInUseError } from "./db";
import { MODULES } from "./modules";

/**
 * `npm run db:migrate`: applies the core's and every registered module's pending migrations to
 * DATABASE_URL and exits (the same as `npm run cli -- db migrate`). Needs no secrets: it opens only
 * the core's database part, not its services.
 */
async function main(): Promise<void> {
  const url = loadDatabaseUrl();
  const { lines, warning } = migrationReport(url, await migrateDatabase(url, MODULES));
  for (const line of lines) process.stdout.write(`${line}\n`);
  if (warning) process.stderr.write(`Warning: ${warning}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${migrationFailure(error)}\n`);
  process.exitCode = 1;
});

/** One line. A locked embedded database already says which process holds it and what to do. */
function migrationFailure(error: unknown): string {
  if (error instanceof DataDirInUseError) return error.message;
  const message = error instanceof ConfigError ? `Invalid configuration: ${error.message}` : String(error instanceof Error ? error.message : error);
  return `Migration failed: ${message.split("\n")[0]}`;
}
