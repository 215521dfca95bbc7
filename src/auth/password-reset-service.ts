import { normalizeEmail } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError, forbidden } from "./errors";
import type { MailedTokens } from "./mailed-tokens";
import type { TokenIssuer } from "./token-issuer";
import type { ClientInfo, TokenPair } from "./types";

export interface ResetPasswordInput {
  token: string;
  newPassword: string;
}

type ResetDeps = Pick<AuthDeps, "users" | "hasher" | "passwordPolicy" | "guard" | "logger" | "auditor" | "notify" | "deferred">;

export class PasswordResetService {
  constructor(
    private readonly deps: ResetDeps,
    private readonly issuer: TokenIssuer,
    private readonly tokens: MailedTokens,
  ) {}

  /**
   * Always true, and in the same time whether or not the address has an account: after the
   * checks every caller shares (input, budgets per address and per network), the answer goes out
   * and the lookup, the token and the mail happen afterwards (DeferredWork), so the unknown path
   * cannot be told apart by waiting for the known one's writes.
   */
  async requestReset(rawEmail: string, client: ClientInfo): Promise<boolean> {
    this.tokens.assertMailEnabled();
    const email = normalizeEmail(rawEmail);
    await this.deps.guard.beforeMail(email, client);
    this.deps.deferred.run("password_reset_request", () => this.issueReset(email, client));
    return true;
  }

  /**
   * Sets the password, bumps the credential version (every session and its subscriptions end),
   * marks the email verified (the link proved the mailbox), and signs in with a new session.
   */
  async reset(input: ResetPasswordInput, client: ClientInfo): Promise<TokenPair> {
    await this.deps.guard.beforeTokenRedeem(client);
    const { record, owner } = await this.tokens.peek(input.token, "reset_password");
    if (owner?.disabled) throw forbidden("ACCOUNT_DISABLED");
    const chosen = { password: input.newPassword, email: record.email, field: "newPassword" };
    await this.deps.passwordPolicy.assertChosen(chosen);
    const passwordHash = await this.deps.hasher.hash(input.newPassword);
    const { user, endedSessions } = await this.tokens.redeem(input.token, { kind: "reset_password", passwordHash });
    this.deps.notify.passwordChanged(user.id);
    if (endedSessions > 0) this.deps.notify.sessionRevoked(user.id, null);
    this.deps.logger.info({ event: "password_reset", userId: user.id, endedSessions }, "password reset");
    await this.deps.auditor.record("password_reset", client, { userId: user.id, detail: { endedSessions } });
    const pair = await this.issuer.startSession(user, client);
    if (!pair) throw new AuthError("INVALID_CREDENTIALS", "The password was changed again meanwhile; sign in with the newest password.");
    return pair;
  }

  private async issueReset(email: string, client: ClientInfo): Promise<void> {
    const user = await this.deps.users.findByEmail(email);
    const known = user !== null && !user.disabled;
    if (user && known) await this.tokens.issue("password_reset", { userId: user.id, email: user.email });
    else await this.rehearseIssue(email, user?.id ?? null);
    this.deps.logger.info({ event: "password_reset_requested", userId: user?.id ?? null, known }, "password reset requested");
    await this.deps.auditor.record("password_reset_requested", client, user ? { userId: user.id, detail: { known } } : { detail: { known, email } });
  }

  /**
   * The work left running after the answer delays the caller's next request wherever the database
   * shares the server's thread (PGlite), so an unknown or disabled address runs an issue's
   * transaction too and rolls it back: nothing stored, no mail. An unknown address has no user row;
   * an invite (the one purpose without one) stands in, under an advisory lock instead of the row lock.
   */
  private rehearseIssue(email: string, userId: string | null): Promise<void> {
    if (userId) return this.tokens.rehearse("password_reset", { userId, email });
    return this.tokens.rehearse("invite", { userId: null, email, role: "USER" });
  }
}
