import type { PasswordChange, PasswordChangeResult } from "../auth/ports";
import type { Prisma, PrismaClient } from "./generated/prisma/client";
import { insertRefreshToken, revokeSessions, revokeTokensOf } from "./session-writes";
import { TX_OPTIONS } from "./transaction-options";

/** Thrown inside the transaction to roll back the version bump when the kept session is gone. */
class SessionEnded extends Error {}

/**
 * UserStore.changePassword. Lock order: the user row (the version bump), then sessions, then
 * refresh tokens — rotation and revocation also take sessions before tokens, revoking all of a
 * user's sessions takes the user row first too (lockUserForRevocation), and no path locks a user
 * row while holding a session, so these never deadlock. A login inserting its session waits on
 * the user row (FOR SHARE) and then sees the new version.
 */
export async function changePasswordInTransaction(prisma: PrismaClient, change: PasswordChange): Promise<PasswordChangeResult> {
  try {
    return await prisma.$transaction((tx) => apply(tx, change), TX_OPTIONS);
  } catch (error) {
    if (error instanceof SessionEnded) return { outcome: "session_ended" };
    throw error;
  }
}

async function apply(tx: Prisma.TransactionClient, change: PasswordChange): Promise<PasswordChangeResult> {
  const { userId, at, keep } = change;
  const [bumped] = await tx.$queryRaw<Array<{ credential_version: number }>>`
    UPDATE users SET password_hash = ${change.passwordHash}, credential_version = credential_version + 1,
                     updated_at = ${at}::timestamptz
     WHERE id = ${userId}::uuid AND credential_version = ${change.expectedVersion}::int
    RETURNING credential_version`;
  if (!bumped) return { outcome: "version_moved" };
  const [live] = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM sessions
     WHERE id = ${keep.sessionId}::uuid AND user_id = ${userId}::uuid AND revoked_at IS NULL
       AND expires_at > ${at}::timestamptz AND absolute_expires_at > ${at}::timestamptz
       AND credential_version = ${change.expectedVersion}::int
       FOR UPDATE`;
  if (!live) throw new SessionEnded();
  const ended = await revokeSessions(tx, { userId, id: { not: keep.sessionId } }, at, "password_changed");
  await revokeTokensOf(tx, [keep.sessionId], at);
  await insertRefreshToken(tx, keep.token);
  await tx.$executeRaw`
    UPDATE sessions SET last_used_at = ${at}::timestamptz, expires_at = ${keep.token.expiresAt}::timestamptz,
                        credential_version = ${bumped.credential_version}::int
     WHERE id = ${keep.sessionId}::uuid`;
  return { outcome: "changed", credentialVersion: bumped.credential_version, endedSessions: ended.length };
}
