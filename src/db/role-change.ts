import { lastAdmin } from "../auth/errors";
import type { Role, UserRecord } from "../auth/types";
import type { Prisma } from "./generated/prisma/client";
import { toUserRecord, USER_COLUMNS, type UserRow } from "./user-rows";

/**
 * Refuses (FORBIDDEN / LAST_ADMIN) to take away the last *enabled* ADMIN, whether by demotion,
 * disabling or deletion: a disabled ADMIN cannot sign in to undo anything. Locks every enabled
 * ADMIN row first, in id order, so concurrent removals queue instead of deadlocking; one that
 * waited re-reads the rows it locked (READ COMMITTED re-checks the WHERE on the version it waited
 * for), so two ADMINs removing each other at once cannot both see the other one. Every path that
 * removes an ADMIN takes these locks before any other row of its transaction.
 */
export async function lockEnabledAdminsKeepingOne(tx: Prisma.TransactionClient, id: string): Promise<void> {
  const admins = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM users WHERE role = 'ADMIN' AND disabled_at IS NULL ORDER BY id FOR UPDATE`;
  if (admins.length === 1 && admins[0]?.id === id) throw lastAdmin();
}

/** Sets a role without ever leaving zero enabled ADMINs. */
export async function setRoleKeepingAnAdmin(tx: Prisma.TransactionClient, id: string, role: Role, at: Date): Promise<UserRecord | null> {
  if (role !== "ADMIN") await lockEnabledAdminsKeepingOne(tx, id);
  const [row] = await tx.$queryRaw<UserRow[]>`
    UPDATE users SET role = ${role}::"Role", updated_at = ${at}::timestamptz
     WHERE id = ${id}::uuid
    RETURNING ${USER_COLUMNS}`;
  return row ? toUserRecord(row) : null;
}
