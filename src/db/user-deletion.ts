import type { Prisma, PrismaClient } from "./generated/prisma/client";
import { lockEnabledAdminsKeepingOne } from "./role-change";
import { TX_OPTIONS } from "./transaction-options";

export type DeletionOutcome = "deleted" | "not_found" | "version_moved";

/**
 * UserStore.delete. Lock order: the enabled ADMINs (LAST_ADMIN), then the user row; deleting it
 * cascades to its sessions (then their refresh tokens) and its account tokens, the same order
 * every other writer takes them in. The audit trail keeps the events under the user's id, a
 * random uuid that identifies nobody once the row is gone, but loses what could: the client
 * addresses, user agents and any email address in the detail.
 */
export async function deleteUserInTransaction(prisma: PrismaClient, id: string, expectedVersion?: number): Promise<DeletionOutcome> {
  return prisma.$transaction(async (tx) => {
    await lockEnabledAdminsKeepingOne(tx, id);
    const [user] = await tx.$queryRaw<Array<{ credential_version: number }>>`
      SELECT credential_version FROM users WHERE id = ${id}::uuid FOR UPDATE`;
    if (!user) return "not_found";
    if (expectedVersion !== undefined && user.credential_version !== expectedVersion) return "version_moved";
    await tx.$executeRaw`DELETE FROM users WHERE id = ${id}::uuid`;
    await scrubAuditTrail(tx, id);
    return "deleted";
  }, TX_OPTIONS);
}

async function scrubAuditTrail(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  // The detail keys that may hold an address. jsonb `-` on a scalar raises, so only objects are
  // pruned (the auditor writes nothing else).
  await tx.$executeRaw`
    UPDATE audit_events
       SET ip = NULL, user_agent = NULL,
           detail = CASE WHEN jsonb_typeof(detail) = 'object' THEN detail - 'email' - 'newEmail' - 'previousEmail' ELSE detail END
     WHERE user_id = ${userId}::uuid`;
}
