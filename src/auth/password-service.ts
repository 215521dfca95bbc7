import { assertCheckablePassword } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError, unauthenticated } from "./errors";
import type { TokenIssuer } from "./token-issuer";
import type { ClientInfo, TokenPair, Viewer } from "./types";

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

type PasswordDeps = Pick<AuthDeps, "users" | "sessions" | "hasher" | "passwordPolicy" | "cache" | "clock" | "logger" | "auditor" | "guard">;

export class PasswordService {
  constructor(
    private readonly deps: PasswordDeps,
    private readonly issuer: TokenIssuer,
  ) {}

  /**
   * Re-authenticates with the current password (a stolen access token alone cannot take over the
   * account), ends every other session, then re-keys the current one: its old refresh tokens die
   * with the old password.
   */
  async changePassword(viewer: Viewer, input: ChangePasswordInput, client: ClientInfo): Promise<TokenPair> {
    assertCheckablePassword(input.currentPassword, "currentPassword");
    await this.deps.passwordPolicy.assertChosen({ password: input.newPassword, email: viewer.user.email, field: "newPassword" });
    // A wrong current password is a failed login: same budget, so a stolen access token cannot
    // be used to guess the password here instead.
    await this.deps.guard.beforeCredentialCheck(viewer.user.email, client);
    const found = await this.deps.users.findByEmail(viewer.user.email);
    if (!found || found.id !== viewer.user.id) throw unauthenticated("SESSION_REVOKED");
    if (!(await this.deps.hasher.verify(found.passwordHash, input.currentPassword))) {
      this.deps.logger.info({ event: "password_change_failed", userId: found.id }, "wrong current password");
      const facts = { userId: found.id, sessionId: viewer.sessionId, detail: { reason: "wrong_current_password" } };
      await this.deps.auditor.record("login_failed", client, facts);
      await this.deps.guard.credentialFailed(found.email, client, found.id);
      throw new AuthError("INVALID_CREDENTIALS", "The current password is incorrect.");
    }
    const now = this.deps.clock.now();
    // Other sessions end before the new hash is written: a failure in between errs towards signing out.
    const ended = await this.deps.sessions.revokeAllForUser(found.id, now, "password_changed", viewer.sessionId);
    this.deps.cache.invalidateUser(found.id);
    await this.deps.users.setPasswordHash(found.id, await this.deps.hasher.hash(input.newPassword), now);
    const pair = await this.rekeyCurrentSession(viewer, now);
    this.deps.logger.info({ event: "password_changed", userId: found.id, endedSessions: ended }, "password changed");
    await this.deps.auditor.record("password_changed", client, { userId: found.id, sessionId: viewer.sessionId, detail: { endedSessions: ended } });
    return pair;
  }

  private async rekeyCurrentSession(viewer: Viewer, now: Date): Promise<TokenPair> {
    const state = await this.deps.sessions.findState(viewer.sessionId);
    if (!state) throw unauthenticated("SESSION_REVOKED");
    const refresh = this.issuer.mintRefreshToken(state.session, null, now);
    if (!(await this.deps.sessions.replaceTokens(viewer.sessionId, refresh.record, now))) {
      throw unauthenticated("SESSION_REVOKED");
    }
    this.deps.cache.invalidateSession(viewer.sessionId);
    return this.issuer.pair(state.user, viewer.sessionId, refresh);
  }
}
