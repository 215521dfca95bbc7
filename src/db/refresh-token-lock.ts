import type { LockedRefreshToken } from "../auth/ports";
import type { Prisma } from "./generated/prisma/client";
import {
  REFRESH_TOKEN_COLUMNS,
  SESSION_COLUMNS,
  toRefreshTokenRecord,
  toSessionRecord,
  type RefreshTokenRow,
  type SessionRow,
} from "./session-rows";
import { toUserRecord, USER_COLUMNS, type UserRow } from "./user-rows";

/**
 * Locks the session row, then the token row (SELECT … FOR UPDATE), and loads both. Session first
 * because the revoke paths write sessions before tokens: with one lock order, a rotation racing a
 * logout or a reuse-triggered revocation queues instead of deadlocking, and the later transaction
 * sees the earlier one's new child token. Locking the session also serializes all rotations
 * within one token family.
 *
 * Two round trips, raw SQL (a model query costs ~1.3 ms of query compilation on top of the trip):
 * 1. The session is found through an unlocked sub-select of the token (token → session is
 *    immutable, so reading it unlocked is safe); FOR UPDATE locks only the outer `sessions` row,
 *    and FOR UPDATE returns that row's latest committed version once the lock is granted.
 * 2. The token is locked and loaded in a *separate, later* statement: under READ COMMITTED it
 *    takes a fresh snapshot, so it sees whatever the transaction we queued behind committed.
 */
export async function lockRefreshToken(tx: Prisma.TransactionClient, tokenHash: string): Promise<LockedRefreshToken | null> {
  const [session] = await tx.$queryRaw<SessionRow[]>`
    SELECT ${SESSION_COLUMNS} FROM sessions
     WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ${tokenHash})
       FOR UPDATE`;
  if (!session) return null;
  const [token] = await tx.$queryRaw<RefreshTokenRow[]>`
    SELECT ${REFRESH_TOKEN_COLUMNS} FROM refresh_tokens WHERE token_hash = ${tokenHash} FOR UPDATE`;
  // Gone between the two reads (its session was deleted): same as never having existed. A token
  // outside the locked session is not covered by our lock, so it must never be handed out.
  if (!token || token.session_id !== session.id) return null;
  // Read in the same transaction, so nothing runs after the commit that could fail and leave the
  // client without the child token it has just been issued.
  const [user] = await tx.$queryRaw<UserRow[]>`SELECT ${USER_COLUMNS} FROM users WHERE id = ${session.user_id}::uuid`;
  if (!user) return null;
  return { token: toRefreshTokenRecord(token), session: toSessionRecord(session), user: toUserRecord(user) };
}
