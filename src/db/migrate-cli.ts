import { openDatabase } from "./database";
import { redact } from "./database-url";
import { migrate } from "./migrator";

/**
 * `npm run db:migrate`. This entry point reads DATABASE_URL itself because it runs without the
 * app's config (no secrets needed to migrate); the default matches the app's dev default.
 */
const DEFAULT_URL = "pglite:./.data/pglite";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL?.trim() || DEFAULT_URL;
  const db = await openDatabase(url);
  try {
    const applied = await migrate(db);
    const summary = applied.length === 0 ? "already up to date" : `applied ${applied.join(", ")}`;
    process.stdout.write(`Migrations on ${redact(url)}: ${summary}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Migration failed: ${message.split("\n")[0]}\n`);
  process.exitCode = 1;
});
