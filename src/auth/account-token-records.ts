import type { InvalidTokenReason } from "./errors";
import type { OutgoingMail } from "./mail";
import type { NewUser } from "./ports";
import type { Role, UserRecord } from "./types";

/** What a mailed token proves; a token of one purpose is never accepted for another. */
export const ACCOUNT_TOKEN_PURPOSES = ["email_verification", "password_reset", "email_change", "invite"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/** A token as stored: only its SHA-256 exists server-side. */
export interface AccountTokenRecord {
  id: string;
  tokenHash: string;
  purpose: AccountTokenPurpose;
  /** The account it acts on; null for an invite (no account yet). */
  userId: string | null;
  /** The address the link was mailed to (the new address for an email change, the invitee for an invite). */
  email: string;
  /** The role an invite grants; null otherwise. */
  role: Role | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  supersededAt: Date | null;
}

export type NewAccountToken = Omit<AccountTokenRecord, "usedAt" | "supersededAt">;

/**
 * What redeeming a token does, applied in the same transaction that marks it used, so a token is
 * spent exactly when its effect commits. The token's purpose follows from the effect.
 */
export type TokenEffect =
  /** Marks the account's email verified, iff its email is still the one the link was sent to. */
  | { kind: "verify_email" }
  /**
   * Sets the password (bumping the credential version: every session ends), marks the email
   * verified, iff the account's email is still the one the link was sent to.
   */
  | { kind: "reset_password"; passwordHash: string }
  /** Makes the token's address the account's (verified); EMAIL_TAKEN if another account has it by now. */
  | { kind: "change_email" }
  /** Creates the invited account (its email and role from the token, verified). */
  | { kind: "accept_invite"; user: Omit<NewUser, "email" | "role" | "emailVerified"> };

/** Purposes whose links would let whoever requested them act on the account without its password. */
export const CREDENTIAL_PURPOSES: readonly AccountTokenPurpose[] = ["password_reset", "email_change"];

export const PURPOSE_OF_EFFECT: Readonly<Record<TokenEffect["kind"], AccountTokenPurpose>> = {
  verify_email: "email_verification",
  reset_password: "password_reset",
  change_email: "email_change",
  accept_invite: "invite",
};

/**
 * Why `token` cannot be redeemed for `effect` at `at`, in order of precedence (UNKNOWN > USED >
 * SUPERSEDED > EXPIRED); null when it can. `owner` is the account the token acts on as of now
 * (null when gone; invites have none). The one rule every store and the services apply.
 */
export function tokenRefusal(
  token: AccountTokenRecord | null,
  owner: { email: string; disabled: boolean } | null,
  effect: TokenEffect["kind"],
  at: Date,
): InvalidTokenReason | null {
  if (!token || token.purpose !== PURPOSE_OF_EFFECT[effect]) return "UNKNOWN";
  if (token.purpose !== "invite" && !owner) return "UNKNOWN";
  if (token.usedAt) return "USED";
  if (token.supersededAt) return "SUPERSEDED";
  // Disabling supersedes every link; this catches a redemption that raced the disable.
  if (owner?.disabled) return "SUPERSEDED";
  // A link proves control of the address it went to, and only while the account still has it.
  const provesOwnAddress = effect === "verify_email" || effect === "reset_password";
  if (provesOwnAddress && owner?.email !== token.email) return "SUPERSEDED";
  if (token.expiresAt <= at) return "EXPIRED";
  return null;
}

export type Redemption =
  | {
      ok: true;
      /** The account after the effect. */
      user: UserRecord;
      /** Sessions the effect ended (a password reset ends all of them). */
      endedSessions: number;
      /** The address the account had before (an email change), else its current one. */
      previousEmail: string;
    }
  | { ok: false; reason: InvalidTokenReason };

export interface AccountTokenStore {
  /**
   * In one transaction: marks every unused, unsuperseded token of the same purpose for the same
   * account (or, for invites, the same email) superseded at `token.createdAt`, inserts `token`,
   * and queues `mail` (the mail carrying it) in the outbox, so the mail exists iff the token does.
   */
  issue(token: NewAccountToken, mail: { id: string; mail: OutgoingMail }): Promise<void>;
  /**
   * Runs what issue(token, mail) runs, in one transaction of the same shape (lock, supersession,
   * both inserts), then rolls it back: nothing is written, superseded or queued. For a request
   * that must cost what an issue costs without issuing (a reset for an unknown address).
   */
  rehearse(token: NewAccountToken, mail: { id: string; mail: OutgoingMail }): Promise<void>;
  /** The token with this hash, whatever its state; null when there is none. */
  find(tokenHash: string): Promise<AccountTokenRecord | null>;
  /**
   * Locks the token with this hash, and iff it has the effect's purpose and is unused,
   * unsuperseded and unexpired at `at`, applies `effect` and marks it used, all in one transaction;
   * otherwise writes nothing and says why (UNKNOWN also for another purpose's token, SUPERSEDED
   * also when the account's email moved away from the token's address). Concurrent redemptions of
   * one token: exactly one succeeds, the others see USED. Throws AuthError EMAIL_TAKEN (nothing written)
   * when change_email or accept_invite would duplicate an address.
   */
  redeem(tokenHash: string, effect: TokenEffect, at: Date): Promise<Redemption>;
  /** Supersedes the account's unused tokens of these purposes (its address or password changed otherwise). */
  supersedeForUser(userId: string, purposes: readonly AccountTokenPurpose[], at: Date): Promise<void>;
}
