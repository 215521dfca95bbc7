import { randomBytes, randomUUID } from "node:crypto";
import type { AccountTokenPurpose, NewAccountToken } from "../../../src/auth/account-token-records";
import type { MailKind, OutgoingMail } from "../../../src/auth/mail";
import type { UserRecord } from "../../../src/auth/types";
import { T0, at, type StoreHarness } from "./fixtures";

const KIND_OF: Record<AccountTokenPurpose, MailKind> = {
  email_verification: "verify-email",
  password_reset: "reset-password",
  email_change: "confirm-email-change",
  invite: "invite",
};

export function accountToken(purpose: AccountTokenPurpose, owner: UserRecord | null, overrides: Partial<NewAccountToken> = {}): NewAccountToken {
  return {
    id: randomUUID(),
    tokenHash: randomBytes(32).toString("hex"),
    purpose,
    userId: owner?.id ?? null,
    email: owner?.email ?? `${randomUUID()}@invited.test`,
    role: purpose === "invite" ? "USER" : null,
    createdAt: T0,
    expiresAt: at(60),
    ...overrides,
  };
}

export function mailFor(token: NewAccountToken): { id: string; mail: OutgoingMail } {
  return { id: randomUUID(), mail: { kind: KIND_OF[token.purpose], to: token.email, link: `https://app.test/t#${token.tokenHash}`, facts: { purpose: token.purpose } } };
}

/** Issues a token (with its mail) and returns both. */
export async function issued(stores: Pick<StoreHarness, "accountTokens">, purpose: AccountTokenPurpose, owner: UserRecord | null, overrides: Partial<NewAccountToken> = {}) {
  const token = accountToken(purpose, owner, overrides);
  const mail = mailFor(token);
  await stores.accountTokens.issue(token, mail);
  return { token, mail };
}

/** The stored state of a token, for asserting what a redemption did or did not write. */
export async function stateOf(stores: Pick<StoreHarness, "accountTokens">, token: NewAccountToken) {
  const found = await stores.accountTokens.find(token.tokenHash);
  return found ? { usedAt: found.usedAt, supersededAt: found.supersededAt } : null;
}

export const UNUSED = { usedAt: null, supersededAt: null };
