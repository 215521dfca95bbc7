import { isAuthError, normalizeEmail } from "../auth";
import { canonicalizeStoredEmails, type Database, type EmailCanonicalization, migrate } from "../db";

export interface PreparedDatabase {
  /** Migrations applied by this call. */
  applied: string[];
  emails: EmailCanonicalization;
}

/**
 * Everything that brings a database up to this version: the SQL migrations, then the data
 * changes SQL cannot express (emails into the auth core's canonical form). Run by the server at
 * start (MIGRATE_ON_START) and by `npm run db:migrate`, so both leave the same database.
 */
export async function prepareDatabase(
  db: Pick<Database, "kind" | "sql">,
  moduleMigrationsDirs: readonly string[] = [],
): Promise<PreparedDatabase> {
  const applied = await migrate(db, { moduleMigrationsDirs });
  const emails = await canonicalizeStoredEmails(db, canonicalOrNull);
  return { applied, emails };
}

function canonicalOrNull(email: string): string | null {
  try {
    return normalizeEmail(email);
  } catch (error) {
    if (isAuthError(error)) return null;
    throw error;
  }
}

/** What an operator must act on: accounts left in a form that no longer signs in. */
export function emailsNeedingAttention(report: EmailCanonicalization): string | null {
  const { conflicts, refused } = report;
  if (conflicts.length === 0 && refused.length === 0) return null;
  return (
    `accounts whose stored email is not in canonical form and could not be rewritten: ` +
    `${conflicts.length} collide with another account (merge them), ${refused.length} are refused by the email rules ` +
    `(invisible characters or an invalid domain); user ids: ${[...conflicts, ...refused].join(", ")}`
  );
}
