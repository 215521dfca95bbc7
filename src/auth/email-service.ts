import { verifyCredentials } from "./credential-check";
import { normalizeEmail } from "./credentials";
import type { AuthDeps } from "./deps";
import { badInput } from "./errors";
import type { MailedTokens } from "./mailed-tokens";
import type { ClientInfo, UserRecord, Viewer } from "./types";

export interface EmailChangeInput {
  newEmail: string;
  currentPassword: string;
}

type EmailDeps = Pick<AuthDeps, "users" | "accountTokens" | "hasher" | "guard" | "logger" | "auditor" | "cache" | "notify" | "clock" | "deferred">;

/** Proving control of an address: verification of the current one, and moving to a new one. */
export class EmailService {
  constructor(
    private readonly deps: EmailDeps,
    private readonly tokens: MailedTokens,
  ) {}

  /** Mails a new verification link (superseding older ones); true, and no mail, when already verified. */
  async requestVerification(viewer: Viewer, client: ClientInfo): Promise<boolean> {
    this.tokens.assertMailEnabled();
    const { user } = viewer;
    if (user.emailVerified) return true;
    await this.deps.guard.beforeMail(user.email, client, user.id);
    await this.tokens.issue("email_verification", { userId: user.id, email: user.email });
    this.deps.logger.info({ event: "email_verification_requested", userId: user.id }, "verification mail queued");
    await this.deps.auditor.record("email_verification_requested", client, { userId: user.id, sessionId: viewer.sessionId });
    return true;
  }

  async verifyEmail(token: string, client: ClientInfo): Promise<UserRecord> {
    await this.deps.guard.beforeTokenRedeem(client);
    const { user } = await this.tokens.redeem(token, { kind: "verify_email" });
    this.changed(user.id);
    this.deps.logger.info({ event: "email_verified", userId: user.id }, "email verified");
    await this.deps.auditor.record("email_verified", client, { userId: user.id });
    return user;
  }

  /**
   * Re-authenticates, then mails a confirmation link to the new address and a notice to the old
   * one; nothing changes until the link is used. Whether the new address already has an account
   * is never told: earlier change links are superseded either way before the answer, and the
   * lookup, the link (only to a free address) and the notice happen after it (DeferredWork), so
   * neither the answer, its timing nor the fate of an earlier link differs. The address is
   * checked again when the change is confirmed.
   */
  async requestChange(viewer: Viewer, input: EmailChangeInput, client: ClientInfo): Promise<boolean> {
    this.tokens.assertMailEnabled();
    const newEmail = normalizeEmail(input.newEmail);
    const current = viewer.user.email;
    if (newEmail === current) throw badInput("newEmail", "This is already the account's email address.");
    const request = { purpose: "change_email", email: current, password: input.currentPassword, field: "currentPassword", client, viewer } as const;
    const user = await verifyCredentials(this.deps, request);
    await this.deps.guard.beforeMail(newEmail, client, user.id);
    await this.deps.accountTokens.supersedeForUser(user.id, ["email_change"], this.deps.clock.now());
    this.deps.deferred.run("email_change_request", () => this.mailChange(user.id, current, newEmail, viewer.sessionId, client));
    return true;
  }

  private async mailChange(userId: string, current: string, newEmail: string, sessionId: string, client: ClientInfo): Promise<void> {
    const taken = (await this.deps.users.findByEmail(newEmail)) !== null;
    if (!taken) await this.tokens.issue("email_change", { userId, email: newEmail }, { newEmail });
    await this.tokens.notify("email-change-notice", current, { newEmail });
    this.deps.logger.info({ event: "email_change_requested", userId, taken }, "email change requested");
    await this.deps.auditor.record("email_change_requested", client, { userId, sessionId, detail: { newEmail, taken } });
  }

  /** The new address must still be free now (EMAIL_TAKEN otherwise; the link stays usable). */
  async confirmChange(token: string, client: ClientInfo): Promise<UserRecord> {
    await this.deps.guard.beforeTokenRedeem(client);
    const { user, previousEmail } = await this.tokens.redeem(token, { kind: "change_email" });
    this.changed(user.id);
    this.deps.logger.info({ event: "email_changed", userId: user.id }, "email changed");
    await this.deps.auditor.record("email_changed", client, { userId: user.id, detail: { previousEmail, email: user.email } });
    return user;
  }

  /** The user's record changed (email, verification): cached session states carry the old one. */
  private changed(userId: string): void {
    this.deps.notify.accountChanged(userId);
  }
}
