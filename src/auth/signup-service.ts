import type { AccountService, SignupInput } from "./account-service";
import { emailNotVerified } from "./account-service";
import { normalizeEmail } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError, forbidden, invalidToken, isAuthError } from "./errors";
import type { MailedTokens } from "./mailed-tokens";
import { NEW_USER_CREDENTIAL_VERSION } from "./ports";
import type { TokenIssuer } from "./token-issuer";
import type { ClientInfo, TokenPair, UserRecord } from "./types";

type SignupDeps = Pick<AuthDeps, "users" | "hasher" | "passwordPolicy" | "clock" | "newId" | "logger" | "auditor" | "guard" | "accounts">;

/**
 * Account creation by the public. SIGNUP_MODE decides who may (open; invite: an inviteToken for
 * that address; closed: nobody, admins create accounts); an invitation is honoured in every mode.
 * With REQUIRE_EMAIL_VERIFICATION the answer is the same for a new and an already registered
 * address (EMAIL_NOT_VERIFIED: "we sent you a link"), and both cost one argon2 hash; the owner of
 * an existing account gets a notice instead of a second account.
 */
export class SignupService {
  constructor(
    private readonly deps: SignupDeps,
    private readonly accounts: AccountService,
    private readonly issuer: TokenIssuer,
    private readonly tokens: MailedTokens,
  ) {}

  async signup(input: SignupInput, client: ClientInfo): Promise<TokenPair> {
    await this.deps.guard.beforeSignup(client);
    if (input.inviteToken != null) return this.acceptInvite(input, input.inviteToken, client);
    const mode = this.deps.accounts.signupMode;
    if (mode === "closed") throw forbidden("SIGNUP_CLOSED");
    if (mode === "invite") throw forbidden("INVITE_REQUIRED");
    if (this.deps.accounts.requireEmailVerification) return this.signupUnverified(input, client);
    const account = await this.accounts.newAccount(input, "USER", false);
    // The account, its session and the signup event in one statement: one round trip, and no
    // account is ever left without the session its signup opened.
    const first = this.issuer.prepareSession({ id: account.id, credentialVersion: NEW_USER_CREDENTIAL_VERSION }, client, "signup");
    const user = await this.deps.users.create(account, first);
    this.deps.logger.info({ event: "signup", userId: user.id }, "account created");
    const pair = this.issuer.opened(user, first);
    if (this.deps.accounts.mailEnabled) {
      // Best effort: the account exists and is signed in; a lost link can be requested again.
      await this.tokens
        .issue("email_verification", { userId: user.id, email: user.email })
        .catch((error: unknown) => this.deps.logger.error({ err: error, userId: user.id }, "verification mail not queued after signup"));
    }
    return pair;
  }

  private async signupUnverified(input: SignupInput, client: ClientInfo): Promise<never> {
    this.tokens.assertMailEnabled();
    let user: UserRecord;
    try {
      user = await this.accounts.createAccount(input, "USER", false);
    } catch (error) {
      if (!isAuthError(error) || error.code !== "EMAIL_TAKEN") throw error;
      const email = normalizeEmail(input.email);
      this.deps.logger.info({ event: "signup_existing_address" }, "signup with a registered address: owner notified");
      await this.deps.auditor.record("signup", client, { detail: { outcome: "address_taken", email } });
      if (await this.deps.guard.mayMailQuietly(email)) await this.tokens.notify("signup-existing-account", email);
      throw emailNotVerified();
    }
    this.deps.logger.info({ event: "signup", userId: user.id }, "account created; awaiting email verification");
    await this.deps.auditor.record("signup", client, { userId: user.id, detail: { outcome: "awaiting_verification" } });
    // Spends the address's mail budget exactly as the notice above does: a later request for the
    // address must find the budget in the same state whichever branch ran.
    if (await this.deps.guard.mayMailQuietly(user.email)) await this.tokens.issue("email_verification", { userId: user.id, email: user.email });
    throw emailNotVerified();
  }

  /** The invitation names the address and the role; proving the mailbox verifies the address. */
  private async acceptInvite(input: SignupInput, inviteToken: string, client: ClientInfo): Promise<TokenPair> {
    await this.deps.guard.beforeTokenRedeem(client);
    const email = normalizeEmail(input.email);
    const { record: invite } = await this.tokens.peek(inviteToken, "accept_invite");
    // An invitation is for the address it was sent to, not for whoever holds the link.
    if (invite.email !== email) throw invalidToken("UNKNOWN");
    await this.deps.passwordPolicy.assertChosen({ password: input.password, email, field: "password" });
    const passwordHash = await this.deps.hasher.hash(input.password);
    const user = { id: this.deps.newId(), passwordHash, createdAt: this.deps.clock.now() };
    const redeemed = await this.tokens.redeem(inviteToken, { kind: "accept_invite", user });
    await this.deps.auditor.record("invite_accepted", client, { userId: redeemed.user.id, detail: { role: redeemed.user.role } });
    return this.firstSession(redeemed.user, client);
  }

  private async firstSession(user: UserRecord, client: ClientInfo): Promise<TokenPair> {
    this.deps.logger.info({ event: "signup", userId: user.id }, "account created");
    const pair = await this.issuer.startSession(user, client, "signup");
    // Nothing but this request knows the new account's password yet, so nothing can have changed it.
    if (!pair) throw new AuthError("SERVICE_UNAVAILABLE", "The new account could not be signed in; sign in with it.");
    return pair;
  }
}
