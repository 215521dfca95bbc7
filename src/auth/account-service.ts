import { checkPassword } from "./credential-check";
import { assertCheckablePassword, normalizeEmail } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError } from "./errors";
import type { TokenIssuer } from "./token-issuer";
import type { ClientInfo, Role, TokenPair, UserRecord, UserWithPassword } from "./types";

export interface CredentialsInput {
  email: string;
  password: string;
}

const INVALID_CREDENTIALS_MESSAGE = "Invalid email or password.";

type AccountDeps = Pick<AuthDeps, "users" | "hasher" | "passwordPolicy" | "notify" | "clock" | "newId" | "logger" | "auditor" | "guard">;

export class AccountService {
  constructor(
    private readonly deps: AccountDeps,
    private readonly issuer: TokenIssuer,
  ) {}

  async signup(input: CredentialsInput, client: ClientInfo): Promise<TokenPair> {
    await this.deps.guard.beforeSignup(client);
    const user = await this.createUser(input, "USER");
    this.deps.logger.info({ event: "signup", userId: user.id }, "account created");
    const pair = await this.issuer.startSession(user, client);
    // Nothing but this request knows the new account's password yet, so nothing can have changed it.
    if (!pair) throw new Error(`credentials of new account ${user.id} changed before its first session`);
    await this.deps.auditor.record("signup", client, { userId: user.id, sessionId: pair.sessionId });
    return pair;
  }

  /**
   * One failure for unknown email and wrong password, paid for before the check (see
   * AttemptGuard.checkCredential), so neither concurrency nor the answer nor its timing helps a guesser.
   */
  async login(input: CredentialsInput, client: ClientInfo): Promise<TokenPair> {
    const email = normalizeEmail(input.email);
    assertCheckablePassword(input.password, "password");
    const check = await this.deps.guard.checkCredential(email, client, null, () => checkPassword(this.deps, email, input.password));
    if (!check.ok) return this.refuse(check.user, email, client);
    const { passwordHash, ...user } = check.user;
    if (this.deps.hasher.needsRehash(passwordHash)) await this.upgradeHash(user, input.password);
    const pair = await this.issuer.startSession(user, client);
    if (!pair) {
      // The password verified above was changed while argon2 ran: it no longer opens the account.
      this.deps.logger.info({ event: "login_failed", cause: "credentials_changed", userId: user.id }, "login failed");
      await this.deps.auditor.record("login_failed", client, { userId: user.id, detail: { reason: "credentials_changed" } });
      throw new AuthError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
    }
    this.deps.logger.info({ event: "login_succeeded", userId: user.id }, "login succeeded");
    await this.deps.auditor.record("login_succeeded", client, { userId: user.id, sessionId: pair.sessionId });
    return pair;
  }

  /** Boot-time admin provisioning: creates the account as ADMIN or promotes it; never resets its password. */
  async ensureAdmin(input: CredentialsInput): Promise<{ user: UserRecord; created: boolean }> {
    // Validated even when the account exists, so a bad setting fails every boot, not just the first.
    const email = normalizeEmail(input.email);
    await this.deps.passwordPolicy.assertAcceptable({ password: input.password, email, field: "password" });
    const existing = await this.deps.users.findByEmail(email);
    if (!existing) return { user: await this.createUser(input, "ADMIN"), created: true };
    if (existing.role === "ADMIN") {
      const { passwordHash: _secret, ...user } = existing;
      return { user, created: false };
    }
    const promoted = await this.deps.users.setRole(existing.id, "ADMIN", this.deps.clock.now());
    if (!promoted) throw new Error("bootstrap admin disappeared while being promoted");
    this.deps.notify.roleChanged(promoted.id);
    return { user: promoted, created: false };
  }

  private async refuse(user: UserWithPassword | null, email: string, client: ClientInfo): Promise<never> {
    if (user) {
      this.deps.logger.info({ event: "login_failed", cause: "wrong_password", userId: user.id }, "login failed");
      await this.deps.auditor.record("login_failed", client, { userId: user.id, detail: { reason: "wrong_password" } });
    } else {
      this.deps.logger.info({ event: "login_failed", cause: "unknown_email" }, "login failed");
      await this.deps.auditor.record("login_failed", client, { detail: { reason: "unknown_email", email } });
    }
    throw new AuthError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
  }

  /** The plaintext is only available at login, so that is when weak hashes are upgraded. */
  private async upgradeHash(user: UserRecord, password: string): Promise<void> {
    const hash = await this.deps.hasher.hash(password);
    const upgraded = await this.deps.users.rehashPassword(user.id, hash, this.deps.clock.now(), user.credentialVersion);
    // Not upgraded: the password was changed meanwhile, and its new hash must stay.
    if (upgraded) this.deps.logger.info({ event: "password_rehashed", userId: user.id }, "password hash upgraded to current parameters");
  }

  private async createUser(input: CredentialsInput, role: Role): Promise<UserRecord> {
    const email = normalizeEmail(input.email);
    await this.deps.passwordPolicy.assertChosen({ password: input.password, email, field: "password" });
    const passwordHash = await this.deps.hasher.hash(input.password);
    return this.deps.users.create({ id: this.deps.newId(), email, passwordHash, role, createdAt: this.deps.clock.now(), emailVerified: false });
  }
}
