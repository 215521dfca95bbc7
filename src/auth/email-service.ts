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

type EmailDeps = Pick<AuthDeps, "users" | "hasher" | "guard" | "logger" | "auditor" | "cache" | "notify">;

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
   * is not told (the answer is true either way, and that address gets no mail): it is checked
   * again when the change is confirmed.
   */
  async requestChange(viewer: Viewer, input: EmailChangeInput, client: ClientInfo): Promise<boolean> {
    this.tokens.assertMailEnabled();
    const newEmail = normalizeEmail(input.newEmail);
    const current = viewer.user.email;
    if (newEmail === current) throw badInput("newEmail", "This is already the account's email address.");
    const request = { purpose: "change_email", email: current, password: input.currentPassword, field: "currentPassword", client, viewer } as const;
    const user = await verifyCredentials(this.deps, request);
    await this.deps.guard.beforeMail(newEmail, client, user.id);
    const taken = (await this.deps.users.findByEmail(newEmail)) !== null;
    if (!taken) await this.tokens.issue("email_change", { userId: user.id, email: newEmail }, { newEmail });
    await this.tokens.notify("email-change-notice", current, { newEmail });
    this.deps.logger.info({ event: "email_change_requested", userId: user.id, taken }, "email change requested");
    await this.deps.auditor.record("email_change_requested", client, { userId: user.id, sessionId: viewer.sessionId, detail: { newEmail, taken } });
    return true;
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
