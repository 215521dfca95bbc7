import type { AccessTokenClaims } from "./access-tokens";
import type { AuthDeps } from "./deps";
import { badInput } from "./errors";
import { isUuid } from "./ids";
import { hashRefreshToken, looksLikeRefreshToken } from "./refresh-token-codec";
import type { ClientInfo, SessionRecord, Viewer } from "./types";

type SessionDeps = Pick<AuthDeps, "sessions" | "cache" | "notify" | "clock" | "logger" | "auditor">;

export interface SessionView extends SessionRecord {
  current: boolean;
}

export class SessionService {
  constructor(private readonly deps: SessionDeps) {}

  async list(viewer: Viewer): Promise<SessionView[]> {
    const sessions = await this.deps.sessions.listActive(viewer.user.id, this.deps.clock.now());
    return sessions.map((s) => ({ ...s, current: s.id === viewer.sessionId }));
  }

  /**
   * Idempotent: an unknown or already-revoked refresh token still answers true, so logout never
   * tells a caller whether a token existed. Without a refresh token, the bearer token's session
   * ends, even if that access token has expired (its signature still proves possession), but not
   * if a password change has retired it since: the change re-keyed the session to shut out
   * whoever else held its tokens, and they must not be able to end it either.
   */
  async logout(refreshToken: string | null | undefined, claims: AccessTokenClaims | null, client: ClientInfo): Promise<boolean> {
    if (refreshToken) {
      if (!looksLikeRefreshToken(refreshToken)) return true;
      const session = await this.deps.sessions.findByTokenHash(hashRefreshToken(refreshToken));
      if (session) await this.revokeOwn(session.id, session.userId, "logout", client);
      return true;
    }
    if (!claims || !isUuid(claims.sid) || !isUuid(claims.sub)) return true;
    const state = await this.deps.sessions.findState(claims.sid);
    if (state?.session.credentialVersion === claims.cv) await this.revokeOwn(claims.sid, claims.sub, "logout", client);
    return true;
  }

  async logoutAll(viewer: Viewer, client: ClientInfo): Promise<number> {
    const count = await this.deps.sessions.revokeAllForUser(viewer.user.id, this.deps.clock.now(), "logout_all");
    // One event for them all (null session): a NOTIFY payload per session would not scale.
    if (count > 0) this.deps.notify.sessionRevoked(viewer.user.id, null);
    else this.deps.cache.invalidateUser(viewer.user.id);
    this.deps.logger.info({ event: "logout_all", userId: viewer.user.id, count }, "all sessions revoked");
    await this.deps.auditor.record("logout_all", client, { userId: viewer.user.id, sessionId: viewer.sessionId, detail: { count } });
    return count;
  }

  /** Only the viewer's own sessions: a foreign or unknown id answers false, revealing nothing. */
  async revoke(viewer: Viewer, sessionId: string, client: ClientInfo): Promise<boolean> {
    if (!isUuid(sessionId)) throw badInput("id", "Session id must be a UUID.");
    return this.revokeOwn(sessionId, viewer.user.id, "revoked_by_user", client);
  }

  private async revokeOwn(sessionId: string, userId: string, reason: string, client: ClientInfo): Promise<boolean> {
    const revoked = await this.deps.sessions.revoke(sessionId, userId, this.deps.clock.now(), reason);
    // Not revoked by this call (perhaps by another instance already): only the local cache is
    // suspect, and an event would tell the user's other listeners of a revocation that is not theirs.
    if (!revoked) this.deps.cache.invalidateSession(sessionId);
    else {
      this.deps.notify.sessionRevoked(userId, sessionId);
      this.deps.logger.info({ event: "session_revoked", userId, sessionId, reason }, "session revoked");
      await this.deps.auditor.record("session_revoked", client, { userId, sessionId, detail: { reason } });
    }
    return revoked;
  }
}
