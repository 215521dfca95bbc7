import type { Database } from "./database";
import type { SqlExecutor } from "./sql-driver";

const MAYBE_NOT_CANONICAL = `(email !~ '^[[:ascii:]]*$'
  OR email !~ '@([a-z0-9_-]+\\.)+[a-z_-][a-z0-9_-]*$'
  OR email ~ '@(.*\\.)?xn--')`;

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
 * second account. Such rows were only lower-cased and trimmed, so only a few can differ: non-ASCII
 * ones, domains that are not plain letters-digits-hyphens names (`1.2` is the IPv4 address
 * 1.0.0.2 to UTS #46, `foo.123` is refused) and punycode labels (which may be invalid). The scan
 * reads just those rows and is idempotent, cheap enough to run at every migration.
 * `canonical` is the auth core's normalization (null when it refuses the address).
 */
export async function canonicalizeStoredEmails(
  db: Pick<Database, "sql">,
  canonical: (email: string) => string | null,
): Promise<EmailCanonicalization> {
  return db.sql.withSession(async (sql) => {
    const rows = await sql.query<{ id: string; email: string }>(`SELECT id::text AS id, email FROM users WHERE ${MAYBE_NOT_CANONICAL} ORDER BY id`);
    const report: EmailCanonicalization = { rewritten: 0, conflicts: [], refused: [] };
    for (const row of rows) {
      const target = canonical(row.email);
      if (target === null) report.refused.push(row.id);
      if (target === null || target === row.email) continue;
      if (await rewrite(sql, row.id, target)) report.rewritten += 1;
      else report.conflicts.push(row.id);
    }
    return report;
  });
}

/**
 * The canonical spelling, unless another account has it: then the row stays with its owner. The
 * NOT EXISTS covers the common case; a signup taking the address between the two reads raises
 * the unique violation instead, which means the same.
 */
async function rewrite(sql: SqlExecutor, id: string, email: string): Promise<boolean> {
  try {
    const [moved] = await sql.query<{ id: string }>(
      `UPDATE users SET email = $1, updated_at = now() WHERE id = $2::uuid AND NOT EXISTS (SELECT 1 FROM users WHERE email = $1) RETURNING id::text AS id`,
      [email, id],
    );
    return moved !== undefined;
  } catch (error) {
    if (typeof error === "object" && error !== null && Reflect.get(error, "code") === "23505") return false;
    throw error;
  }
}
