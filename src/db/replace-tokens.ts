import type { NewRefreshToken } from "../auth/ports";
import type { PrismaClient } from "./generated/prisma/client";

const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

/**
 * Re-keys a live session (after a password change): every live refresh token is revoked and
 * `token` becomes the only one. The session row is locked first, the same order rotation and
 * revocation use, so a concurrent refresh of an old token either finishes before this or sees
 * its token revoked.
 */
export function replaceSessionTokens(prisma: PrismaClient, sessionId: string, token: NewRefreshToken, at: Date): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const [live] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id::text FROM sessions WHERE id = ${sessionId}::uuid AND revoked_at IS NULL FOR UPDATE`;
    if (!live) return false;
    await tx.refreshToken.updateMany({ where: { sessionId, revokedAt: null }, data: { revokedAt: at } });
    await tx.refreshToken.create({ data: token });
    await tx.session.update({ where: { id: sessionId }, data: { lastUsedAt: at, expiresAt: token.expiresAt } });
    return true;
  }, TX_OPTIONS);
}
