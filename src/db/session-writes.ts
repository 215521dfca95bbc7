import type { NewRefreshToken, NewSession, RotationTransaction } from "../auth/ports";
import { Prisma } from "./generated/prisma/client";
import type { AuditEvent } from "../auth/types";
import { AUDIT_COLUMNS, auditValues } from "./audit-rows";
import type { HotSql } from "./hot-sql";

type Tx = Prisma.TransactionClient;

/*
 * The login and rotation writes are raw SQL: a model query costs ~1.3 ms of query compilation on
 * top of its round trip (login's session goes on the driver itself, see hot-sql.ts). Ids here come
 * from locked rows or are minted by the server, never from clients, so the ::uuid casts cannot
 * fail. Dates are passed as Date parameters, which each adapter serializes exactly as it does for
 * model queries, and HotSql as UTC text (see the timezone regression test).
 */

/**
 * A session and its first refresh token in one statement, hence one round trip and atomic without
 * a transaction, inserted only while the user's credential version is still the one the session
 * is stamped with and the user is not disabled. FOR SHARE makes the insert wait for a password
 * change or a disable in flight on that user and then re-read the row, so a login that verified
 * the old password, or raced the disable, fails here instead of creating a session that would
 * outlive the revocation. Each SELECT reads the CTE before it, so nothing is inserted unless
 * everything is. Returns whether the session was created.
 */
export async function insertSessionWithToken(hot: HotSql, s: NewSession, t: NewRefreshToken, audit?: AuditEvent): Promise<boolean> {
  // Rows, not a count: the statement is a SELECT, whose affected-row count PGlite reports as 0.
  return (await hot.rows(sessionWithTokenInsert(s, t, audit))).length === 1;
}

/** With `audit`, the event is inserted from the session row too: all three, or nothing. */
function sessionWithTokenInsert(s: NewSession, t: NewRefreshToken, audit: AuditEvent | undefined): Prisma.Sql {
  return Prisma.sql`
    WITH u AS (
      SELECT id, credential_version FROM users
       WHERE id = ${s.userId}::uuid AND credential_version = ${s.credentialVersion}::int AND disabled_at IS NULL
         FOR SHARE
    ), ${sessionFromUser(s, t, audit)}
    SELECT id FROM t`;
}

/**
 * The CTEs `s` (the session), `audited` (its event, when given) and `t` (its first refresh
 * token), each inserted from the row before it, starting from a CTE `u` (the user's `id` and
 * `credential_version`) that the statement defines first: a login's locked read of the user, or a
 * signup's insert of it. The session is stamped with u's credential version.
 */
export function sessionFromUser(s: NewSession, t: NewRefreshToken, audit: AuditEvent | undefined): Prisma.Sql {
  const audited = audit ? Prisma.sql`audited AS (INSERT INTO audit_events ${AUDIT_COLUMNS} SELECT ${auditValues(audit)} FROM s),` : Prisma.empty;
  return Prisma.sql`s AS (
      INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at, user_agent, ip, credential_version)
      SELECT ${s.id}::uuid, u.id::uuid, ${s.createdAt}::timestamptz, ${s.lastUsedAt}::timestamptz, ${s.expiresAt}::timestamptz,
             ${s.absoluteExpiresAt}::timestamptz, ${s.userAgent}::text, ${s.ip}::text, u.credential_version
        FROM u
      RETURNING id
    ), ${audited} t AS (
      INSERT INTO refresh_tokens (id, token_hash, session_id, parent_id, created_at, expires_at)
      SELECT ${t.id}::uuid, ${t.tokenHash}::text, ${t.sessionId}::uuid, ${t.parentId}::uuid,
             ${t.createdAt}::timestamptz, ${t.expiresAt}::timestamptz
        FROM s
      RETURNING id
    )`;
}

/**
 * Takes the user's row (FOR NO KEY UPDATE, the lock changePassword's version bump takes first)
 * before revoking many of that user's sessions, or writing its account tokens. Without a common first lock, logoutAll locks the
 * sessions in scan order while changePassword holds its own session and then locks the others:
 * each can hold a session the other waits for, and PostgreSQL aborts one of them (40P01).
 */
export async function lockUserForRevocation(tx: Tx, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM users WHERE id = ${userId}::uuid FOR NO KEY UPDATE`;
}

/**
 * Revokes the matching unrevoked sessions, then every unrevoked token in them. Callers run this in
 * a transaction. Sessions are written before tokens, the same order rotation locks them in
 * (see lockRefreshToken), so a logout racing a rotation waits instead of deadlocking, and its
 * token update sees the rotated child.
 */
export async function revokeSessions(
  tx: Tx,
  where: Prisma.SessionWhereInput,
  at: Date,
  reason: string,
): Promise<string[]> {
  const revoked = await tx.session.updateManyAndReturn({
    where: { ...where, revokedAt: null },
    data: { revokedAt: at, revokedReason: reason },
    select: { id: true },
  });
  const ids = revoked.map((s) => s.id);
  if (ids.length > 0) await revokeTokensOf(tx, ids, at);
  return ids;
}

/** Revokes every unrevoked refresh token of these sessions. */
export async function revokeTokensOf(tx: Tx, sessionIds: string[], at: Date): Promise<void> {
  await tx.refreshToken.updateMany({
    where: { sessionId: { in: sessionIds }, revokedAt: null },
    data: { revokedAt: at },
  });
}

export async function insertRefreshToken(tx: Tx, t: NewRefreshToken): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO refresh_tokens (id, token_hash, session_id, parent_id, created_at, expires_at)
    VALUES (${t.id}::uuid, ${t.tokenHash}::text, ${t.sessionId}::uuid, ${t.parentId}::uuid,
            ${t.createdAt}::timestamptz, ${t.expiresAt}::timestamptz)`;
}

/** Every write goes through `tx`: on PGlite a query on the outer client would wait for this one. */
export function rotationTransaction(tx: Tx): RotationTransaction {
  return {
    insertToken: (t: NewRefreshToken) => insertRefreshToken(tx, t),
    async markRotated(tokenId: string, at: Date) {
      const count = await tx.$executeRaw`
        UPDATE refresh_tokens SET rotated_at = ${at}::timestamptz WHERE id = ${tokenId}::uuid`;
      expectOneRow(count, "refresh token", tokenId);
    },
    async touchSession(sessionId: string, update: { lastUsedAt: Date; expiresAt: Date }) {
      const count = await tx.$executeRaw`
        UPDATE sessions SET last_used_at = ${update.lastUsedAt}::timestamptz, expires_at = ${update.expiresAt}::timestamptz
         WHERE id = ${sessionId}::uuid`;
      expectOneRow(count, "session", sessionId);
    },
    async revokeSession(sessionId: string, at: Date, reason: string) {
      await tx.$executeRaw`
        UPDATE sessions SET revoked_at = ${at}::timestamptz, revoked_reason = ${reason}::text
         WHERE id = ${sessionId}::uuid AND revoked_at IS NULL`;
      // Unconditional, so "every token in it" holds even for a session revoked earlier.
      await tx.$executeRaw`
        UPDATE refresh_tokens SET revoked_at = ${at}::timestamptz
         WHERE session_id = ${sessionId}::uuid AND revoked_at IS NULL`;
    },
  };
}

/** Like a model update of a missing row, a write that matched nothing fails and rolls back. */
function expectOneRow(count: number, what: string, id: string): void {
  if (count !== 1) throw new Error(`Expected to update ${what} ${id}, but it does not exist.`);
}
