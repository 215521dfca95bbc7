import type { RetentionBatches, RetentionStore } from "../auth/ports";
import type { Database } from "./database";
import type { SqlSession } from "./sql-driver";

/** A batch of a few hundred indexed deletes takes milliseconds; this bounds a pathological one. */
const BATCH_STATEMENT_TIMEOUT = "30s";

/** Distinct from the migrator's key: retention and migrations may run side by side. */
const RETENTION_LOCK_KEY = 72707370;

/**
 * Retention deletes on a connection of their own (SqlDriver), holding a session-level advisory
 * lock for the whole run: pg_try_advisory_lock never waits, so an instance that finds another
 * one at work simply skips this round. On PGlite the process owns the database outright.
 */
export function sqlRetentionStore(db: Pick<Database, "sql">): RetentionStore {
  // Advisory locks are re-entrant within one database session, and PGlite is one session for the
  // whole process: this flag is what excludes a second run inside the same process.
  let running = false;
  return {
    async exclusively(work) {
      if (running) return false;
      running = true;
      try {
        return await db.sql.withSession(async (session) => {
          const [row] = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RETENTION_LOCK_KEY]);
          if (!row?.locked) return false;
          try {
            await work(batchesOn(session));
            return true;
          } finally {
            await session.query("SELECT pg_advisory_unlock($1)", [RETENTION_LOCK_KEY]);
          }
        });
      } finally {
        running = false;
      }
    },
  };
}

/*
 * Each DELETE takes at most `limit` rows through an indexed sub-select. Cutoffs travel as ISO
 * text cast to timestamptz, so no driver's Date serialization (or session time zone) is involved.
 * expires_at never exceeds absolute_expires_at, so "expired" needs only the idle expiry.
 *
 * SKIP LOCKED: a row someone holds (a logoutAll revoking a long-expired session, a rotation) is
 * left for a later batch instead of waited for. Waiting deadlocked: a revocation locks a user's
 * sessions in heap order while this DELETE, on a table of any size, visits them in hash order.
 */
function batchesOn(sql: SqlSession): RetentionBatches {
  // This connection has none of the request path's timeouts (it is the migrator's kind), so each
  // batch sets its own: SET LOCAL ends with the batch's transaction, which on PGlite (one
  // connection for the whole process) keeps the setting away from every other query.
  const deleted = (statement: string, cutoff: Date, limit: number) =>
    sql.transaction(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = '${BATCH_STATEMENT_TIMEOUT}'`);
      const [row] = await tx.query<{ n: number }>(`WITH d AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM d`, [cutoff.toISOString(), limit]);
      return row?.n ?? 0;
    });
  return {
    deleteAuditEventsBefore: (cutoff, limit) =>
      deleted(
        `DELETE FROM audit_events WHERE id IN (
           SELECT id FROM audit_events WHERE created_at < $1::timestamptz LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        cutoff,
        limit,
      ),
    deleteSessionsEndedBefore: (cutoff, limit) => deleted(endedBefore("sessions"), cutoff, limit),
    deleteRefreshTokensEndedBefore: (cutoff, limit) => deleted(endedBefore("refresh_tokens"), cutoff, limit),
    deleteAccountTokensEndedBefore: (cutoff, limit) =>
      deleted(
        `DELETE FROM account_tokens WHERE id IN (
           SELECT id FROM account_tokens
            WHERE expires_at < $1::timestamptz OR used_at < $1::timestamptz OR superseded_at < $1::timestamptz
            LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        cutoff,
        limit,
      ),
    deleteMailDoneBefore: (cutoff, limit) =>
      deleted(
        `DELETE FROM mail_outbox WHERE id IN (
           SELECT id FROM mail_outbox WHERE sent_at < $1::timestamptz OR failed_at < $1::timestamptz
            LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        cutoff,
        limit,
      ),
  };
}

/** Sessions and refresh tokens alike: revoked, or (idle-)expired, before the cutoff. */
function endedBefore(table: "sessions" | "refresh_tokens"): string {
  return `DELETE FROM ${table} WHERE id IN (
            SELECT id FROM ${table} WHERE revoked_at < $1::timestamptz OR expires_at < $1::timestamptz
             LIMIT $2 FOR UPDATE SKIP LOCKED)`;
}
