import { type AccountTokenPurpose, type AccountTokenRecord, type NewAccountToken, type TokenEffect, tokenRefusal } from "./account-token-records";
import type { AuthDeps } from "./deps";
import { invalidToken, mailNotConfigured } from "./errors";
import type { MailFacts, MailKind } from "./mail";
import { generateOpaqueToken, hashOpaqueToken, looksLikeOpaqueToken } from "./refresh-token-codec";
import type { Role, UserRecord } from "./types";

export const SIGNUP_MODES = ["open", "invite", "closed"] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];

export interface AccountSettings {
  /** The frontend the mailed links open (APP_URL); the app calls the mutation, never a GET here. */
  appUrl: string;
  tokenTtlMs: Readonly<Record<AccountTokenPurpose, number>>;
  /** Unverified accounts cannot sign in (and signup never says whether an address was taken). */
  requireEmailVerification: boolean;
  signupMode: SignupMode;
  /** False in production without SMTP_URL: the flows that send mail answer MAIL_NOT_CONFIGURED. */
  mailEnabled: boolean;
}

/** The app page each purpose's link opens. */
const PAGE: Readonly<Record<AccountTokenPurpose, string>> = {
  email_verification: "verify-email",
  password_reset: "reset-password",
  email_change: "confirm-email-change",
  invite: "accept-invite",
};

const MAIL_OF: Readonly<Record<AccountTokenPurpose, MailKind>> = {
  email_verification: "verify-email",
  password_reset: "reset-password",
  email_change: "confirm-email-change",
  invite: "invite",
};

type TokenDeps = Pick<AuthDeps, "accountTokens" | "users" | "mail" | "accounts" | "clock" | "randomBytes" | "newId" | "onMailQueued">;

export interface TokenSubject {
  userId: string | null;
  /** Where the link goes. */
  email: string;
  role?: Role;
}

/**
 * Mailed single-use tokens: 256 random bits, stored only as SHA-256, bound to one purpose,
 * expiring, each new one superseding the older unused ones of its purpose. The token exists only
 * in the mail's link, which points at the app: this server never consumes a token on a GET, so a
 * mail scanner following the link spends nothing.
 */
export class MailedTokens {
  constructor(private readonly deps: TokenDeps) {}

  assertMailEnabled(): void {
    if (!this.deps.accounts.mailEnabled) throw mailNotConfigured();
  }

  /** Issues a token and queues its mail in one write; the dispatcher sends it after commit. */
  async issue(purpose: AccountTokenPurpose, subject: TokenSubject, facts: MailFacts = {}): Promise<void> {
    const { record, mail } = this.prepare(purpose, subject, facts);
    await this.deps.accountTokens.issue(record, mail);
    this.deps.onMailQueued();
  }

  /**
   * The write issue() makes, rolled back: nothing is stored and no mail is queued. Costs the
   * database what an issue costs, for a caller that must not be told apart from one that issues.
   */
  async rehearse(purpose: AccountTokenPurpose, subject: TokenSubject): Promise<void> {
    const { record, mail } = this.prepare(purpose, subject, {});
    await this.deps.accountTokens.rehearse(record, mail);
  }

  private prepare(purpose: AccountTokenPurpose, subject: TokenSubject, facts: MailFacts) {
    const now = this.deps.clock.now();
    const { token, hash } = generateOpaqueToken(this.deps.randomBytes);
    const record: NewAccountToken = {
      id: this.deps.newId(),
      tokenHash: hash,
      purpose,
      userId: subject.userId,
      email: subject.email,
      role: subject.role ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.deps.accounts.tokenTtlMs[purpose]),
    };
    const link = `${this.deps.accounts.appUrl}/${PAGE[purpose]}?token=${token}`;
    return { record, mail: { id: this.deps.newId(), mail: { kind: MAIL_OF[purpose], to: subject.email, link, facts } } };
  }

  /** A notice without a token (no link). */
  async notify(kind: MailKind, to: string, facts: MailFacts = {}): Promise<void> {
    await this.deps.mail.enqueue({ kind, to, link: null, facts }, this.deps.newId(), this.deps.clock.now());
    this.deps.onMailQueued();
  }

  /**
   * The token's stored record, and the account it acts on, if it could still be redeemed for
   * `effect` now; otherwise throws INVALID_TOKEN with the reason. For checks before expensive work
   * (argon2): `redeem` decides, under the row lock, by the same rule.
   */
  async peek(token: string, effect: TokenEffect["kind"]): Promise<{ record: AccountTokenRecord; owner: UserRecord | null }> {
    if (!looksLikeOpaqueToken(token)) throw invalidToken("UNKNOWN");
    const record = await this.deps.accountTokens.find(hashOpaqueToken(token));
    const owner = record?.userId ? await this.deps.users.findById(record.userId) : null;
    const reason = tokenRefusal(record, owner, effect, this.deps.clock.now());
    if (reason || !record) throw invalidToken(reason ?? "UNKNOWN");
    return { record, owner };
  }

  /** Spends the token and applies its effect atomically; throws INVALID_TOKEN when it cannot. */
  async redeem(token: string, effect: TokenEffect) {
    if (!looksLikeOpaqueToken(token)) throw invalidToken("UNKNOWN");
    const redemption = await this.deps.accountTokens.redeem(hashOpaqueToken(token), effect, this.deps.clock.now());
    if (!redemption.ok) throw invalidToken(redemption.reason);
    return redemption;
  }
}
