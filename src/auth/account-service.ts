import { invalidCredentials, passwordChangedMeanwhile, verifyCredentials } from "./credential-check";
import { normalizeEmail } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError, forbidden, unauthenticated } from "./errors";
import type { MailedTokens } from "./mailed-tokens";
import type { NewUser } from "./ports";
import type { TokenIssuer } from "./token-issuer";
import type { ClientInfo, Role, TokenPair, UserRecord, Viewer } from "./types";

export interface CredentialsInput {
  email: string;
  password: string;
}

export interface SignupInput extends CredentialsInput {
  /** From an invitation mail: required in SIGNUP_MODE=invite, accepted in every mode. */
  inviteToken?: string | null;
}

type AccountDeps = Pick<
  AuthDeps,
  "users" | "hasher" | "passwordPolicy" | "notify" | "clock" | "newId" | "logger" | "auditor" | "guard" | "accounts"
>;

const NOT_VERIFIED_MESSAGE = "Verify your email address first: we sent a link to it. Then sign in.";

export function emailNotVerified(): AuthError {
  return new AuthError("EMAIL_NOT_VERIFIED", NOT_VERIFIED_MESSAGE);
}

export class AccountService {
  constructor(
    private readonly deps: AccountDeps,
    private readonly issuer: TokenIssuer,
    private readonly tokens: MailedTokens,
  ) {}

  /**
   * Opens a session when the account may sign in. Order matters: a disabled or unverified state
   * is told only to a caller who has just proven the password, so it reveals nothing to a guesser.
   */
  async login(input: CredentialsInput, client: ClientInfo): Promise<TokenPair> {
    const email = normalizeEmail(input.email);
    const verified = await verifyCredentials(this.deps, { purpose: "login", email, password: input.password, field: "password", client });
    const { passwordHash, ...user } = verified;
    if (user.disabled) return this.refuse(user.id, client, "account_disabled", forbidden("ACCOUNT_DISABLED"));
    if (this.deps.accounts.requireEmailVerification && !user.emailVerified) {
      // The first link may be lost or expired, and requestEmailVerification needs a session.
      if (this.deps.accounts.mailEnabled && (await this.deps.guard.mayMailQuietly(user.email))) {
        await this.tokens.issue("email_verification", { userId: user.id, email: user.email });
      }
      return this.refuse(user.id, client, "email_not_verified", emailNotVerified());
    }
    if (this.deps.hasher.needsRehash(passwordHash)) await this.upgradeHash(user, input.password);
    const pair = await this.issuer.startSession(user, client, "login_succeeded");
    // The password verified above was changed, or the account disabled, while argon2 ran.
    if (!pair) return this.refuse(user.id, client, "credentials_changed", invalidCredentials());
    this.deps.logger.info({ event: "login_succeeded", userId: user.id }, "login succeeded");
    return pair;
  }

  /**
   * Re-checks the password (a stolen access token alone cannot delete the account), then deletes
   * the account, its sessions and tokens in one transaction; its audit trail keeps only the
   * pseudonymous user id.
   */
  async deleteAccount(viewer: Viewer, currentPassword: string, client: ClientInfo): Promise<boolean> {
    const request = { purpose: "delete_account", email: viewer.user.email, password: currentPassword, field: "currentPassword", client, viewer } as const;
    const user = await verifyCredentials(this.deps, request);
    const outcome = await this.deps.users.delete(user.id, this.deps.clock.now(), user.credentialVersion);
    if (outcome === "not_found") throw unauthenticated("SESSION_REVOKED");
    if (outcome === "version_moved") throw passwordChangedMeanwhile();
    this.deps.notify.sessionRevoked(user.id, null);
    this.deps.logger.info({ event: "account_deleted", userId: user.id }, "account deleted by its owner");
    // No address or user agent: the account asked to be forgotten.
    await this.deps.auditor.record("account_deleted", { ip: null, userAgent: null, requestId: client.requestId }, { userId: user.id });
    return true;
  }

  /** Boot-time admin provisioning: creates the account as ADMIN or promotes it; never resets its password. */
  async ensureAdmin(input: CredentialsInput): Promise<{ user: UserRecord; created: boolean }> {
    // Validated even when the account exists, so a bad setting fails every boot, not just the first.
    const email = normalizeEmail(input.email);
    await this.deps.passwordPolicy.assertAcceptable({ password: input.password, email, field: "password" });
    const existing = await this.deps.users.findByEmail(email);
    if (!existing) return { user: await this.createAccount(input, "ADMIN", true), created: true };
    if (existing.role === "ADMIN") {
      const { passwordHash: _secret, ...user } = existing;
      return { user, created: false };
    }
    const promoted = await this.deps.users.setRole(existing.id, "ADMIN", this.deps.clock.now());
    if (!promoted) throw new Error("bootstrap admin disappeared while being promoted");
    this.deps.notify.roleChanged(promoted.id);
    return { user: promoted, created: false };
  }

  /** A new account under the password policy: signup, admin-created accounts, the bootstrap admin. */
  async createAccount(input: CredentialsInput, role: Role, emailVerified: boolean): Promise<UserRecord> {
    return this.deps.users.create(await this.newAccount(input, role, emailVerified));
  }

  /** The row createAccount writes, for a caller that writes it with more (a signup's first session). */
  async newAccount(input: CredentialsInput, role: Role, emailVerified: boolean): Promise<NewUser> {
    const email = normalizeEmail(input.email);
    await this.deps.passwordPolicy.assertChosen({ password: input.password, email, field: "password" });
    const passwordHash = await this.deps.hasher.hash(input.password);
    return { id: this.deps.newId(), email, passwordHash, role, createdAt: this.deps.clock.now(), emailVerified };
  }

  private async refuse(userId: string, client: ClientInfo, reason: string, error: AuthError): Promise<never> {
    this.deps.logger.info({ event: "login_failed", cause: reason, userId }, "login failed");
    await this.deps.auditor.record("login_failed", client, { userId, detail: { reason } });
    throw error;
  }

  /** The plaintext is only available at login, so that is when weak hashes are upgraded. */
  private async upgradeHash(user: UserRecord, password: string): Promise<void> {
    const hash = await this.deps.hasher.hash(password);
    const upgraded = await this.deps.users.rehashPassword(user.id, hash, this.deps.clock.now(), user.credentialVersion);
    // Not upgraded: the password was changed meanwhile, and its new hash must stay.
    if (upgraded) this.deps.logger.info({ event: "password_rehashed", userId: user.id }, "password hash upgraded to current parameters");
  }
}
