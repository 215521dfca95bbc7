import { tokenRefusal, type AccountTokenRecord, type Redemption, type TokenEffect } from "../auth/account-token-records";
import type { UserRecord } from "../auth/types";
import { ACCOUNT_TOKEN_COLUMNS, toAccountTokenRecord, type AccountTokenRow } from "./account-token-rows";
import type { Prisma } from "./generated/prisma/client";
import { revokeSessions } from "./session-writes";
import { toUserRecord, USER_COLUMNS, type UserRow } from "./user-rows";

type Tx = Prisma.TransactionClient;
type Applied = Extract<Redemption, { ok: true }>;
type InviteeFields = Extract<TokenEffect, { kind: "accept_invite" }>["user"];

/**
 * AccountTokenStore.redeem, inside a transaction. Lock order: the owner's users row, then the
 * token, then (a password reset) its sessions and their refresh tokens — the order of password
 * changes, disables and deletions, which take the users row first too. The owner is found through
 * an unlocked read of the token (token → owner never changes); the token is then locked in a
 * later statement, so a redemption that queued behind another sees it used.
 */
export async function redeemInTransaction(tx: Tx, tokenHash: string, effect: TokenEffect, at: Date): Promise<Redemption> {
  const [owner] = await tx.$queryRaw<UserRow[]>`
    SELECT ${USER_COLUMNS} FROM users
     WHERE id = (SELECT user_id FROM account_tokens WHERE token_hash = ${tokenHash})
       FOR NO KEY UPDATE`;
  const [row] = await tx.$queryRaw<AccountTokenRow[]>`
    SELECT ${ACCOUNT_TOKEN_COLUMNS} FROM account_tokens WHERE token_hash = ${tokenHash} FOR UPDATE`;
  const token = row ? toAccountTokenRecord(row) : null;
  const user = owner ? toUserRecord(owner) : null;
  const reason = tokenRefusal(token, user, effect.kind, at);
  if (reason || !token) return { ok: false, reason: reason ?? "UNKNOWN" };
  const applied = await apply(tx, token, user, effect, at);
  await tx.$executeRaw`UPDATE account_tokens SET used_at = ${at}::timestamptz WHERE id = ${token.id}::uuid`;
  return applied;
}

async function apply(tx: Tx, token: AccountTokenRecord, owner: UserRecord | null, effect: TokenEffect, at: Date): Promise<Applied> {
  if (effect.kind === "accept_invite") return acceptInvite(tx, token, effect.user, at);
  if (!owner) throw new Error(`account token ${token.id} has no owner`);
  if (effect.kind === "verify_email") return verifyEmail(tx, owner, at);
  if (effect.kind === "change_email") return changeEmail(tx, token, owner, at);
  return resetPassword(tx, token, owner, effect.passwordHash, at);
}

async function acceptInvite(tx: Tx, token: AccountTokenRecord, invitee: InviteeFields, at: Date): Promise<Applied> {
  const user = await updated(tx.$queryRaw<UserRow[]>`
    INSERT INTO users (id, email, password_hash, role, created_at, updated_at, email_verified_at)
    VALUES (${invitee.id}::uuid, ${token.email}, ${invitee.passwordHash}, ${token.role}::"Role",
            ${invitee.createdAt}::timestamptz, ${invitee.createdAt}::timestamptz, ${at}::timestamptz)
    RETURNING ${USER_COLUMNS}`);
  return { ok: true, user, endedSessions: 0, previousEmail: user.email };
}

async function verifyEmail(tx: Tx, owner: UserRecord, at: Date): Promise<Applied> {
  const user = await updated(tx.$queryRaw<UserRow[]>`
    UPDATE users SET email_verified_at = COALESCE(email_verified_at, ${at}::timestamptz), updated_at = ${at}::timestamptz
     WHERE id = ${owner.id}::uuid RETURNING ${USER_COLUMNS}`);
  return { ok: true, user, endedSessions: 0, previousEmail: user.email };
}

async function changeEmail(tx: Tx, token: AccountTokenRecord, owner: UserRecord, at: Date): Promise<Applied> {
  const user = await updated(tx.$queryRaw<UserRow[]>`
    UPDATE users SET email = ${token.email}, email_verified_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
     WHERE id = ${owner.id}::uuid RETURNING ${USER_COLUMNS}`);
  // Every other link went to the old address (or asked for another change): none may act now.
  await supersedeOthers(tx, token, null, at);
  return { ok: true, user, endedSessions: 0, previousEmail: owner.email };
}

/**
 * The new password ends every session (the version bump) and every other link of the account: a
 * pending email change requested by whoever held the old password must not outlive it.
 */
async function resetPassword(tx: Tx, token: AccountTokenRecord, owner: UserRecord, passwordHash: string, at: Date): Promise<Applied> {
  const user = await updated(tx.$queryRaw<UserRow[]>`
    UPDATE users SET password_hash = ${passwordHash}, credential_version = credential_version + 1,
                     email_verified_at = COALESCE(email_verified_at, ${at}::timestamptz), updated_at = ${at}::timestamptz
     WHERE id = ${owner.id}::uuid RETURNING ${USER_COLUMNS}`);
  await supersedeOthers(tx, token, null, at);
  const ended = await revokeSessions(tx, { userId: owner.id }, at, "password_reset");
  return { ok: true, user, endedSessions: ended.length, previousEmail: user.email };
}

/** The owner's other unused tokens (of one purpose, or of all when null) are superseded. */
async function supersedeOthers(tx: Tx, token: AccountTokenRecord, purpose: string | null, at: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE account_tokens SET superseded_at = ${at}::timestamptz
     WHERE user_id = ${token.userId}::uuid AND id <> ${token.id}::uuid
       AND (${purpose}::text IS NULL OR purpose = ${purpose}::text)
       AND used_at IS NULL AND superseded_at IS NULL`;
}

async function updated(query: Promise<UserRow[]>): Promise<UserRecord> {
  const [row] = await query;
  if (!row) throw new Error("the account row to update is gone");
  return toUserRecord(row);
}
