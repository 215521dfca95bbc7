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
    const [user] = await tx.$queryRaw<Array<{ credential_version: number; email: string }>>`
      SELECT credential_version, email FROM users WHERE id = ${id}::uuid FOR UPDATE`;
    if (!user) return "not_found";
    if (expectedVersion !== undefined && user.credential_version !== expectedVersion) return "version_moved";
    // A pending email change's link went to the new address: that mail goes with the account.
    await tx.$executeRaw`
      DELETE FROM mail_outbox WHERE recipient IN (
        SELECT email FROM account_tokens WHERE user_id = ${id}::uuid AND purpose = 'email_change')`;
    await tx.$executeRaw`DELETE FROM users WHERE id = ${id}::uuid`;
    await scrubAuditTrail(tx, id, user.email);
    // Mail to the address goes too: unsent links are dead, and sent rows would keep the address.
    await tx.$executeRaw`DELETE FROM mail_outbox WHERE recipient = ${user.email}`;
    return "deleted";
  }, TX_OPTIONS);
}

/**
 * The user's own events lose their client facts; events of others that name the address (an
 * admin's invitation, failed logins before the account existed) lose the address only, since
 * their ip is the admin's or an attacker's, not this user's.
 */
async function scrubAuditTrail(tx: Prisma.TransactionClient, userId: string, email: string): Promise<void> {
  // The detail keys that may hold an address. jsonb `-` on a scalar raises, so only objects are
  // pruned (the auditor writes nothing else).
  await tx.$executeRaw`
    UPDATE audit_events
       SET ip = NULL, user_agent = NULL,
           detail = CASE WHEN jsonb_typeof(detail) = 'object' THEN detail - 'email' - 'newEmail' - 'previousEmail' ELSE detail END
     WHERE user_id = ${userId}::uuid`;
  await tx.$executeRaw`
    UPDATE audit_events SET detail = detail - 'email' - 'newEmail' - 'previousEmail'
     WHERE jsonb_typeof(detail) = 'object'
       AND (detail->>'email' = ${email} OR detail->>'newEmail' = ${email} OR detail->>'previousEmail' = ${email})`;
  // Rate-limit rows are keyed by the address ("email" or "email|network"): the key goes, the count stays.
  await tx.$executeRaw`
    UPDATE audit_events SET detail = detail - 'key', ip = NULL, user_agent = NULL
     WHERE type = 'rate_limited' AND jsonb_typeof(detail) = 'object'
       AND (detail->>'key' = ${email} OR starts_with(detail->>'key', ${`${email}|`}))`;
}
