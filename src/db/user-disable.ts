import type { UserRecord } from "../auth/types";
import type { Prisma, PrismaClient } from "./generated/prisma/client";
import { lockEnabledAdminsKeepingOne } from "./role-change";
import { revokeSessions } from "./session-writes";
import { TX_OPTIONS } from "./transaction-options";
import { toUserRecord, USER_COLUMNS, type UserRow } from "./user-rows";

type Tx = Prisma.TransactionClient;

/**
 * UserStore.setDisabled. Lock order: the enabled ADMINs (LAST_ADMIN), the user row, its sessions,
 * their refresh tokens — the order of role changes, password changes and revocations. A login
 * inserting its session waits on the user row (FOR SHARE) and then sees the account disabled, so
 * no session outlives the disable.
 */
export function setDisabledInTransaction(
  prisma: PrismaClient,
  id: string,
  disabled: boolean,
  at: Date,
): Promise<{ user: UserRecord; endedSessions: number } | null> {
  return prisma.$transaction(async (tx) => {
    if (!disabled) {
      const row = await enable(tx, id, at);
      return row ? { user: toUserRecord(row), endedSessions: 0 } : null;
    }
    await lockEnabledAdminsKeepingOne(tx, id);
    const row = await disable(tx, id, at);
    if (!row) return null;
    const ended = await revokeSessions(tx, { userId: id }, at, "user_disabled");
    return { user: toUserRecord(row), endedSessions: ended.length };
  }, TX_OPTIONS);
}

/** Disabling twice keeps the first instant: it says since when the account has been off. */
async function disable(tx: Tx, id: string, at: Date): Promise<UserRow | undefined> {
  const [row] = await tx.$queryRaw<UserRow[]>`
    UPDATE users SET disabled_at = COALESCE(disabled_at, ${at}::timestamptz), updated_at = ${at}::timestamptz
     WHERE id = ${id}::uuid
    RETURNING ${USER_COLUMNS}`;
  return row;
}

/** Sessions ended by the disable stay ended: the owner signs in again. */
async function enable(tx: Tx, id: string, at: Date): Promise<UserRow | undefined> {
  const [row] = await tx.$queryRaw<UserRow[]>`
    UPDATE users SET disabled_at = NULL, updated_at = ${at}::timestamptz
     WHERE id = ${id}::uuid
    RETURNING ${USER_COLUMNS}`;
  return row;
}
