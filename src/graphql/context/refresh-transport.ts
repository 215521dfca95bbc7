/**
 * How the refresh token travels for this request. Native clients (and Sandbox) use the response
 * body; browser apps opt into an HttpOnly cookie per request so scripts never see the token.
 * The HTTP layer implements this; resolvers only decide what to hand over.
 */
export interface RefreshTokenTransport {
  readonly mode: "body" | "cookie";
  /** The refresh token from the request's cookie, if it sent one. */
  readonly cookieToken: string | undefined;
  setCookie(token: string, expiresAt: Date): void;
  clearCookie(): void;
}

/** For callers without HTTP (tests, scripts): body transport, no cookie. */
export const BODY_TRANSPORT: RefreshTokenTransport = {
  mode: "body",
  cookieToken: undefined,
  setCookie: () => undefined,
  clearCookie: () => undefined,
};
