import { CREDENTIAL_PURPOSES } from "./account-token-records";
import { passwordChangedMeanwhile, verifyCredentials } from "./credential-check";
import { assertCheckablePassword } from "./credentials";
import type { AuthDeps } from "./deps";
import { unauthenticated } from "./errors";
import type { TokenIssuer } from "./token-issuer";
import type { ClientInfo, TokenPair, UserRecord, Viewer } from "./types";

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

type PasswordDeps = Pick<AuthDeps, "users" | "sessions" | "accountTokens" | "hasher" | "passwordPolicy" | "cache" | "notify" | "clock" | "logger" | "auditor" | "guard">;

export class PasswordService {
  constructor(
    private readonly deps: PasswordDeps,
    private readonly issuer: TokenIssuer,
  ) {}

  /**
   * Re-authenticates with the current password (a stolen access token alone cannot take over the
   * account), then in one transaction sets the new hash, bumps the credential version, ends every
   * other session and re-keys this one. Sessions opened by logins still in flight are stamped with
   * the old version, so they are dead whichever side of the commit they land on.
   */
  async changePassword(viewer: Viewer, input: ChangePasswordInput, client: ClientInfo): Promise<TokenPair> {
    const email = viewer.user.email;
    const chosen = { password: input.newPassword, email, field: "newPassword" };
    assertCheckablePassword(input.currentPassword, "currentPassword");
    await this.deps.passwordPolicy.assertAcceptable(chosen);
    const request = { purpose: "change_password", email, password: input.currentPassword, field: "currentPassword", client, viewer } as const;
    const { passwordHash: _old, ...user } = await verifyCredentials(this.deps, request);
    // The breach corpus is a network call: only for a caller who has just proven the password.
    await this.deps.passwordPolicy.assertNotBreached(chosen);
    const pair = await this.replacePassword(user, viewer.sessionId, input.newPassword);
    this.deps.logger.info({ event: "password_changed", userId: user.id, endedSessions: pair.endedSessions }, "password changed");
    const detail = { endedSessions: pair.endedSessions };
    await this.deps.auditor.record("password_changed", client, { userId: user.id, sessionId: viewer.sessionId, detail });
    return pair.tokens;
  }

  private async replacePassword(user: UserRecord, sessionId: string, newPassword: string): Promise<{ tokens: TokenPair; endedSessions: number }> {
    const now = this.deps.clock.now();
    const state = await this.deps.sessions.findState(sessionId);
    if (!state) throw unauthenticated("SESSION_REVOKED");
    const refresh = this.issuer.mintRefreshToken(state.session, null, now);
    const passwordHash = await this.deps.hasher.hash(newPassword);
    const keep = { sessionId, token: refresh.record };
    const result = await this.deps.users.changePassword({ userId: user.id, expectedVersion: user.credentialVersion, passwordHash, at: now, keep });
    if (result.outcome !== "changed") {
      // Nothing written here, but another request changed things: what this instance cached is stale.
      this.deps.cache.invalidateUser(user.id);
      if (result.outcome === "session_ended") throw unauthenticated("SESSION_REVOKED");
      throw passwordChangedMeanwhile();
    }
    // Links requested under the old password (a reset, an email change) die with it.
    await this.deps.accountTokens.supersedeForUser(user.id, CREDENTIAL_PURPOSES, now);
    if (result.endedSessions > 0) this.deps.notify.sessionRevoked(user.id, null);
    this.deps.notify.passwordChanged(user.id);
    const tokens = this.issuer.pair({ ...user, credentialVersion: result.credentialVersion }, sessionId, refresh);
    return { tokens, endedSessions: result.endedSessions };
  }
}
