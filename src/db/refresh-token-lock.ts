import type { LockedRefreshToken } from "../auth/ports";
import type { Prisma } from "./generated/prisma/client";
import { REFRESH_TOKEN_RECORD, SESSION_RECORD } from "./selections";

/**
 * Locks the session row, then the token row (SELECT … FOR UPDATE), and loads both. Session first
 * because the revoke paths write sessions before tokens: with one lock order, a rotation racing a
 * logout or a reuse-triggered revocation queues instead of deadlocking, and the later transaction
 * sees the earlier one's new child token. Locking the session also serializes all rotations
 * within one token family. token → session is immutable, so reading it unlocked first is safe.
 */
export async function lockRefreshToken(tx: Prisma.TransactionClient, tokenHash: string): Promise<LockedRefreshToken | null> {
  const [owner] = await tx.$queryRaw<Array<{ session_id: string }>>`
    SELECT session_id::text FROM refresh_tokens WHERE token_hash = ${tokenHash}`;
  if (!owner) return null;
  await tx.$queryRaw`SELECT id FROM sessions WHERE id = ${owner.session_id}::uuid FOR UPDATE`;
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM refresh_tokens WHERE token_hash = ${tokenHash} FOR UPDATE`;
  // Gone between the two reads (its session was deleted): same as never having existed.
  if (!locked) return null;
  const row = await tx.refreshToken.findUnique({
    where: { id: locked.id },
    select: { ...REFRESH_TOKEN_RECORD, session: { select: SESSION_RECORD } },
  });
  if (!row) return null;
  const { session, ...token } = row;
  return { token, session };
}
