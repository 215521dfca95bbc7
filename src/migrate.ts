import { ConfigError, loadDatabaseUrl } from "./config";
import { emailsNeedingAttention, migrateDatabase } from "./core";
import { DataDirInUseError, redactDatabaseUrl } from "./db";
import { MODULES } from "./modules";

/**
 * `npm run db:migrate`: applies the core's and every registered module's pending migrations to
 * DATABASE_URL and exits. Needs no secrets: it opens only the core's database part, not its services.
 */
async function main(): Promise<void> {
  const url = loadDatabaseUrl();
  const { applied, emails } = await migrateDatabase(url, MODULES);
  const summary = applied.length === 0 ? "already up to date" : `applied ${applied.join(", ")}`;
  process.stdout.write(`Migrations on ${redactDatabaseUrl(url)}: ${summary}\n`);
  if (emails.rewritten > 0) process.stdout.write(`Stored emails rewritten into canonical form: ${emails.rewritten}\n`);
  const attention = emailsNeedingAttention(emails);
  if (attention) process.stderr.write(`Warning: ${attention}\n`);
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
