/** How the refresh token travels (the server's `x-refresh-token-transport`). */
export type RefreshTransport = "cookie" | "body";

/**
 * What signup, login, refreshToken, changePassword and resetPassword answer (the AuthPayload
 * fields the kit needs). `refreshToken` is null in cookie mode: the browser keeps it, HttpOnly.
 */
export interface TokenGrant {
  accessToken: string;
  /** ISO-8601, as the DateTime scalar is sent. */
  accessTokenExpiresAt: string | Date;
  refreshToken?: string | null;
}

/**
 * The access token as this browser holds it. Both instants are on the browser's clock, so every
 * tab of the profile compares them with the same `Date.now()`.
 */
export interface AccessTokenState {
  accessToken: string;
  /** When the server stops accepting it (ms since the epoch, browser clock). */
  expiresAt: number;
  /** When the kit refreshes ahead of expiry. */
  refreshAt: number;
  /**
   * Counts the tokens of the profile's session: each refresh takes one more than any tab has seen,
   * so a tab can tell a newer token from an older one that arrives late.
   */
  generation: number;
}

export type SessionStatus =
  /** Not known yet: a cookie (or a stored refresh token) may hold a session; the first use finds out. */
  | "unknown"
  | "signed-in"
  | "signed-out";

export type SignOutReason =
  /** signOut() was called (in this tab or, with `origin: "other-tab"`, in another). */
  | "SIGNED_OUT"
  /** The server says the session ended: logout elsewhere, logoutAll, revokeSession, a password change, an admin. */
  | "SESSION_REVOKED"
  /** A spent refresh token was presented after the grace window; the server revoked the session. */
  | "REFRESH_TOKEN_REUSED"
  /** The refresh token is unknown, expired, missing (no cookie) or ambiguous. */
  | "INVALID_REFRESH_TOKEN";

export type EventOrigin = "this-tab" | "other-tab";

export type AuthSessionEvent =
  | { type: "signed-in"; origin: EventOrigin }
  | { type: "refreshed"; origin: EventOrigin }
  | { type: "signed-out"; reason: SignOutReason; origin: EventOrigin };
