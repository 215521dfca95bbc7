import { assertCheckablePassword, normalizeEmail } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError } from "./errors";
import type { TokenIssuer } from "./token-issuer";
import type { ClientInfo, Role, TokenPair, UserRecord } from "./types";

export interface CredentialsInput {
  email: string;
  password: string;
}

const INVALID_CREDENTIALS_MESSAGE = "Invalid email or password.";

type AccountDeps = Pick<AuthDeps, "users" | "hasher" | "passwordPolicy" | "clock" | "newId" | "logger" | "auditor" | "guard">;

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
    await this.deps.auditor.record("signup", client, { userId: user.id, sessionId: pair.sessionId });
    return pair;
  }

  /**
   * One failure for unknown email and wrong password, and both pay for one argon2 verify, so
   * neither the response nor its timing tells whether an account exists.
   */
  async login(input: CredentialsInput, client: ClientInfo): Promise<TokenPair> {
    const email = normalizeEmail(input.email);
    assertCheckablePassword(input.password, "password");
    await this.deps.guard.beforeCredentialCheck(email, client);
    const found = await this.deps.users.findByEmail(email);
    if (!found) {
      await this.deps.hasher.verifyDummy(input.password);
      await this.deps.guard.credentialFailed(email, client, null);
      this.deps.logger.info({ event: "login_failed", cause: "unknown_email" }, "login failed");
      await this.deps.auditor.record("login_failed", client, { detail: { reason: "unknown_email", email } });
      throw new AuthError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
    }
    if (!(await this.deps.hasher.verify(found.passwordHash, input.password))) {
      this.deps.logger.info({ event: "login_failed", cause: "wrong_password", userId: found.id }, "login failed");
      await this.deps.auditor.record("login_failed", client, { userId: found.id, detail: { reason: "wrong_password" } });
      await this.deps.guard.credentialFailed(email, client, found.id);
      throw new AuthError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
    }
    await this.deps.guard.credentialSucceeded(email, client);
    const { passwordHash, ...user } = found;
    if (this.deps.hasher.needsRehash(passwordHash)) await this.upgradeHash(user.id, input.password);
    this.deps.logger.info({ event: "login_succeeded", userId: user.id }, "login succeeded");
    const pair = await this.issuer.startSession(user, client);
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
    return { user: promoted, created: false };
  }

  /** The plaintext is only available at login, so that is when weak hashes are upgraded. */
  private async upgradeHash(userId: string, password: string): Promise<void> {
    await this.deps.users.setPasswordHash(userId, await this.deps.hasher.hash(password), this.deps.clock.now());
    this.deps.logger.info({ event: "password_rehashed", userId }, "password hash upgraded to current parameters");
  }

  private async createUser(input: CredentialsInput, role: Role): Promise<UserRecord> {
    const email = normalizeEmail(input.email);
    await this.deps.passwordPolicy.assertChosen({ password: input.password, email, field: "password" });
    const passwordHash = await this.deps.hasher.hash(input.password);
    return this.deps.users.create({ id: this.deps.newId(), email, passwordHash, role, createdAt: this.deps.clock.now() });
  }
}
