import type {
  AccountTokenPurpose,
  AccountTokenRecord,
  AccountTokenStore,
  NewAccountToken,
  Redemption,
  TokenEffect,
} from "../auth/account-token-records";
import type { OutgoingMail } from "../auth/mail";
import { isUuid } from "../auth/ids";
import { redeemInTransaction } from "./account-token-redemption";
import { ACCOUNT_TOKEN_COLUMNS, toAccountTokenRecord, type AccountTokenRow } from "./account-token-rows";
import type { Prisma, PrismaClient } from "./generated/prisma/client";
import { insertOutboxMail } from "./mail-outbox-rows";
import { asEmailTaken } from "./prisma-user-store";
import { lockUserForRevocation } from "./session-writes";
import { TX_OPTIONS } from "./transaction-options";

type Tx = Prisma.TransactionClient;
type QueuedMail = { id: string; mail: OutgoingMail };

/** Thrown inside rehearse's transaction so Prisma rolls it back; caught right outside. */
const ROLLBACK = new Error("account token rehearsal: rolled back on purpose");

/**
 * Raw SQL throughout (timestamps read as epoch ms; see epoch-ms.ts). Every write to a user's
 * tokens first takes that user's row (FOR NO KEY UPDATE, as revocations and password changes do),
 * so issuing, superseding, redeeming and deleting the account queue on one lock instead of
 * locking each other's token rows in different orders. Invites have no user row: issuing one
 * takes a transaction-scoped advisory lock on the invited address instead.
 */
export class PrismaAccountTokenStore implements AccountTokenStore {
  constructor(private readonly prisma: PrismaClient) {}

  issue(token: NewAccountToken, mail: QueuedMail): Promise<void> {
    return this.prisma.$transaction((tx) => writeIssue(tx, token, mail), TX_OPTIONS);
  }

  async rehearse(token: NewAccountToken, mail: QueuedMail): Promise<void> {
    try {
      await this.prisma.$transaction(async (tx) => {
        await writeIssue(tx, token, mail);
        throw ROLLBACK;
      }, TX_OPTIONS);
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
  }

  async find(tokenHash: string): Promise<AccountTokenRecord | null> {
    const [row] = await this.prisma.$queryRaw<AccountTokenRow[]>`
      SELECT ${ACCOUNT_TOKEN_COLUMNS} FROM account_tokens WHERE token_hash = ${tokenHash}`;
    return row ? toAccountTokenRecord(row) : null;
  }

  async redeem(tokenHash: string, effect: TokenEffect, at: Date): Promise<Redemption> {
    try {
      return await this.prisma.$transaction((tx) => redeemInTransaction(tx, tokenHash, effect, at), TX_OPTIONS);
    } catch (error) {
      // The transaction rolled back: the token is still unused.
      throw asEmailTaken(error);
    }
  }

  async supersedeForUser(userId: string, purposes: readonly AccountTokenPurpose[], at: Date): Promise<void> {
    if (!isUuid(userId) || purposes.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      await lockUserForRevocation(tx, userId);
      await tx.$executeRaw`
        UPDATE account_tokens SET superseded_at = ${at}::timestamptz
         WHERE user_id = ${userId}::uuid AND purpose = ANY(${[...purposes]}::text[])
           AND used_at IS NULL AND superseded_at IS NULL`;
    }, TX_OPTIONS);
  }
}

/** The token, the supersession of its predecessors and its mail, in the caller's transaction. */
async function writeIssue(tx: Tx, token: NewAccountToken, mail: QueuedMail): Promise<void> {
  await supersedeSamePurpose(tx, token);
  await tx.$executeRaw`
    INSERT INTO account_tokens (id, token_hash, purpose, user_id, email, role, created_at, expires_at)
    VALUES (${token.id}::uuid, ${token.tokenHash}, ${token.purpose}, ${token.userId}::uuid, ${token.email},
            ${token.role}::"Role", ${token.createdAt}::timestamptz, ${token.expiresAt}::timestamptz)`;
  await insertOutboxMail(tx, mail.id, mail.mail, token.createdAt);
}

/** The previous links of this purpose for this account (or invited address) stop working. */
async function supersedeSamePurpose(tx: Tx, token: NewAccountToken): Promise<void> {
  if (token.userId === null) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`account_tokens:${token.purpose}:${token.email}`}, 0))`;
    await tx.$executeRaw`
      UPDATE account_tokens SET superseded_at = ${token.createdAt}::timestamptz
       WHERE user_id IS NULL AND email = ${token.email} AND purpose = ${token.purpose}
         AND used_at IS NULL AND superseded_at IS NULL`;
    return;
  }
  await lockUserForRevocation(tx, token.userId);
  await tx.$executeRaw`
    UPDATE account_tokens SET superseded_at = ${token.createdAt}::timestamptz
     WHERE user_id = ${token.userId}::uuid AND purpose = ${token.purpose}
       AND used_at IS NULL AND superseded_at IS NULL`;
}
