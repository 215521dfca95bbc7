import type { NewRefreshToken, NewSession, RotationTransaction } from "../auth/ports";
import type { Prisma, PrismaClient } from "./generated/prisma/client";

type Tx = Prisma.TransactionClient;

/*
 * The login and rotation writes are raw SQL: a model query costs ~1.3 ms of query compilation on
 * top of its round trip. Ids here come from locked rows or are minted by the server, never from
 * clients, so the ::uuid casts cannot fail. Dates are passed as Date parameters, which each
 * adapter serializes exactly as it does for model queries (see the timezone regression test).
 */

/**
 * A session and its first refresh token in one statement, hence one round trip and atomic without
 * a transaction. The token's SELECT reads the CTE, so it is inserted only with the session.
 */
export async function insertSessionWithToken(prisma: PrismaClient, s: NewSession, t: NewRefreshToken): Promise<void> {
  await prisma.$executeRaw`
    WITH s AS (
      INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at, user_agent, ip)
      VALUES (${s.id}::uuid, ${s.userId}::uuid, ${s.createdAt}::timestamptz, ${s.lastUsedAt}::timestamptz,
              ${s.expiresAt}::timestamptz, ${s.absoluteExpiresAt}::timestamptz, ${s.userAgent}::text, ${s.ip}::text)
      RETURNING id)
    INSERT INTO refresh_tokens (id, token_hash, session_id, parent_id, created_at, expires_at)
    SELECT ${t.id}::uuid, ${t.tokenHash}::text, ${t.sessionId}::uuid, ${t.parentId}::uuid,
           ${t.createdAt}::timestamptz, ${t.expiresAt}::timestamptz
      FROM s`;
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

async function revokeTokensOf(tx: Tx, sessionIds: string[], at: Date): Promise<void> {
  await tx.refreshToken.updateMany({
    where: { sessionId: { in: sessionIds }, revokedAt: null },
    data: { revokedAt: at },
  });
}

/** Every write goes through `tx`: on PGlite a query on the outer client would wait for this one. */
export function rotationTransaction(tx: Tx): RotationTransaction {
  return {
    async insertToken(t: NewRefreshToken) {
      await tx.$executeRaw`
        INSERT INTO refresh_tokens (id, token_hash, session_id, parent_id, created_at, expires_at)
        VALUES (${t.id}::uuid, ${t.tokenHash}::text, ${t.sessionId}::uuid, ${t.parentId}::uuid,
                ${t.createdAt}::timestamptz, ${t.expiresAt}::timestamptz)`;
    },
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
