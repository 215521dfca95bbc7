import type { Database } from "./database";

export interface EmailCanonicalization {
  /** Rows rewritten into the canonical form. */
  rewritten: number;
  /** Ids of rows whose canonical form belongs to another account: an operator must merge them. */
  conflicts: string[];
  /** Ids of rows the current rules refuse altogether (invisible characters, invalid domain). */
  refused: string[];
}

/**
 * Brings emails stored before the canonical form was enforced (NFC local part, ASCII domain) into
 * it, so their owners can still sign in and nobody can register the canonical spelling as a
 * second account. Such rows were only lower-cased and trimmed, so only non-ASCII ones can differ:
 * the scan reads those few rows and is idempotent, cheap enough to run at every migration.
 * `canonical` is the auth core's normalization (null when it refuses the address).
 */
export async function canonicalizeStoredEmails(
  db: Pick<Database, "sql">,
  canonical: (email: string) => string | null,
): Promise<EmailCanonicalization> {
  return db.sql.withSession(async (sql) => {
    const rows = await sql.query<{ id: string; email: string }>(`SELECT id::text AS id, email FROM users WHERE email !~ '^[[:ascii:]]*$' ORDER BY id`);
    const report: EmailCanonicalization = { rewritten: 0, conflicts: [], refused: [] };
    for (const row of rows) {
      const target = canonical(row.email);
      if (target === null) report.refused.push(row.id);
      if (target === null || target === row.email) continue;
      // The unique index decides: a canonical spelling that is taken stays with its owner.
      const [moved] = await sql.query<{ id: string }>(
        `UPDATE users SET email = $1, updated_at = now() WHERE id = $2::uuid AND NOT EXISTS (SELECT 1 FROM users WHERE email = $1) RETURNING id::text AS id`,
        [target, row.id],
      );
      if (moved) report.rewritten += 1;
      else report.conflicts.push(row.id);
    }
    return report;
  });
}
