import { lastAdmin } from "../auth/errors";
import type { Role, UserRecord } from "../auth/types";
import type { Prisma } from "./generated/prisma/client";
import { toUserRecord, USER_COLUMNS, type UserRow } from "./user-rows";

/**
 * Sets a role without ever leaving zero ADMINs. Demotions lock every ADMIN row first (in id
 * order, so concurrent demotions queue instead of deadlocking); a demotion that waited re-reads
 * the rows it locked, so two ADMINs demoting each other at once cannot both see the other one.
 */
export async function setRoleKeepingAnAdmin(tx: Prisma.TransactionClient, id: string, role: Role, at: Date): Promise<UserRecord | null> {
  if (role !== "ADMIN") {
    const admins = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id::text FROM users WHERE role = 'ADMIN' ORDER BY id FOR UPDATE`;
    if (admins.length === 1 && admins[0]?.id === id) throw lastAdmin();
  }
  const [row] = await tx.$queryRaw<UserRow[]>`
    UPDATE users SET role = ${role}::"Role", updated_at = ${at}::timestamptz
     WHERE id = ${id}::uuid
    RETURNING ${USER_COLUMNS}`;
  return row ? toUserRecord(row) : null;
}
