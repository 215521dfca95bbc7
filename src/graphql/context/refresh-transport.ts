/**
 * How the refresh token travels for this request. Native clients (and Sandbox) use the response
 * body; browser apps opt into an HttpOnly cookie per request so scripts never see the token.
 * The HTTP layer implements this; resolvers only decide what to hand over.
 */
export interface RefreshTokenTransport {
  readonly mode: "body" | "cookie";
  /**
   * Every distinct refresh token the request's cookies carried under the cookie name that applies
   * to it. More than one means a second cookie was planted beside ours (cookie tossing).
   */
  readonly cookieTokens: readonly string[];
  setCookie(token: string, expiresAt: Date): void;
  /** Expires every refresh cookie this server could have set, at every path it could have used. */
  clearCookie(): void;
}

/** For callers without HTTP (tests, scripts): body transport, no cookie. */
export const BODY_TRANSPORT: RefreshTokenTransport = {
  mode: "body",
  cookieTokens: [],
  setCookie: () => undefined,
  clearCookie: () => undefined,
};
