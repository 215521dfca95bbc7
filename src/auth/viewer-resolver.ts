import type { AccessTokenClaims } from "./access-tokens";
import { extractBearer } from "./bearer";
import type { AuthDeps } from "./deps";
import { isAuthError, isUnauthenticatedReason, type UnauthenticatedReason } from "./errors";
import { isSessionLive } from "./session-liveness";
import type { Viewer } from "./types";

export type AuthState =
  | { viewer: Viewer; reason: null }
  | { viewer: null; reason: UnauthenticatedReason };

export interface Authentication {
  state: AuthState;
  /** Verified claims of the presented token, expired ones included; null without an authentic token. */
  claims: AccessTokenClaims | null;
}

type ResolverDeps = Pick<AuthDeps, "accessTokens" | "cache" | "clock">;

/**
 * Turns an Authorization header into a viewer. Expected failures (missing, malformed, expired,
 * revoked) are returned, never thrown: whether they matter is the authorization decision's (@auth).
 * Only infrastructure failures (database down) throw.
 */
export class ViewerResolver {
  constructor(private readonly deps: ResolverDeps) {}

  async resolve(authorization: string | undefined): Promise<AuthState> {
    return (await this.authenticate(authorization)).state;
  }

  /**
   * The viewer, plus the signed claims of an authentic token even when it has expired or its
   * session is gone: logout ends a session on that proof of possession, without the raw header.
   */
  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const token = extractBearer(authorization);
    if (token === null) return { state: { viewer: null, reason: "TOKEN_MISSING" }, claims: null };
    let claims: AccessTokenClaims;
    try {
      claims = this.deps.accessTokens.verify(token);
    } catch (error) {
      if (!isAuthError(error) || !isUnauthenticatedReason(error.reason)) throw error;
      const expired = error.reason === "TOKEN_EXPIRED" ? this.expiredClaims(token) : null;
      return { state: { viewer: null, reason: error.reason }, claims: expired };
    }
    return { state: await this.liveViewer(claims), claims };
  }

  /**
   * The current state of the session behind claims verified earlier (a websocket's token): the
   * session store, through the cache that security events invalidate, decides. Expiry is the
   * caller's to check against its own clock.
   */
  recheck(claims: AccessTokenClaims): Promise<AuthState> {
    // The key that signed it may have been revoked since: its tokens are refused from that moment.
    if (!this.deps.accessTokens.keyTrusted(claims)) return Promise.resolve({ viewer: null, reason: "TOKEN_INVALID" });
    return this.liveViewer(claims);
  }

  private expiredClaims(token: string): AccessTokenClaims | null {
    try {
      return this.deps.accessTokens.verify(token, { allowExpired: true });
    } catch {
      return null;
    }
  }

  private async liveViewer(claims: AccessTokenClaims): Promise<AuthState> {
    let state = await this.deps.cache.get(claims.sid);
    // A signed stamp newer than the cached session's means another instance changed the password
    // after this one cached it: the cache is behind, not the token, so read the session again.
    if (state && claims.cv > state.session.credentialVersion) {
      this.deps.cache.invalidateSession(claims.sid);
      state = await this.deps.cache.get(claims.sid);
    }
    const revoked = { viewer: null, reason: "SESSION_REVOKED" } as const;
    if (!state || state.session.userId !== claims.sub) return revoked;
    if (!isSessionLive(state.session, state.user, this.deps.clock.now())) return revoked;
    // Issued before this session's last password change (which re-keyed it): whoever holds it,
    // perhaps a thief, must refresh, and only the new refresh token can.
    if (claims.cv !== state.session.credentialVersion) return { viewer: null, reason: "TOKEN_EXPIRED" };
    // The role comes from the store, not the claim: demotions apply without waiting for expiry.
    return { viewer: { user: state.user, sessionId: state.session.id }, reason: null };
  }
}
