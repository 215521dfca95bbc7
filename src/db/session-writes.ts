import type { NewRefreshToken, RotationTransaction } from "../auth/ports";
import type { Prisma } from "./generated/prisma/client";

type Tx = Prisma.TransactionClient;

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

export async function revokeTokensOf(tx: Tx, sessionIds: string[], at: Date): Promise<void> {
  await tx.refreshToken.updateMany({
    where: { sessionId: { in: sessionIds }, revokedAt: null },
    data: { revokedAt: at },
  });
}

/** Every write goes through `tx`: on PGlite a query on the outer client would wait for this one. */
export function rotationTransaction(tx: Tx): RotationTransaction {
  return {
    async insertToken(token: NewRefreshToken) {
      await tx.refreshToken.create({ data: token });
    },
    async markRotated(tokenId: string, at: Date) {
      await tx.refreshToken.update({ where: { id: tokenId }, data: { rotatedAt: at } });
    },
    async touchSession(sessionId: string, update: { lastUsedAt: Date; expiresAt: Date }) {
      await tx.session.update({ where: { id: sessionId }, data: update });
    },
    async revokeSession(sessionId: string, at: Date, reason: string) {
      await tx.session.updateMany({
        where: { id: sessionId, revokedAt: null },
        data: { revokedAt: at, revokedReason: reason },
      });
      // Unconditional, so "every token in it" holds even for a session revoked earlier.
      await revokeTokensOf(tx, [sessionId], at);
    },
  };
}
