import type { KitClock } from "./clock";
import type { RefreshTokenStore } from "./refresh-token-store";
import type { FetchLike, SessionEndpoint } from "./session-endpoint";
import type { TabCoordinator } from "./tab-coordinator";
import type { AuthSessionEvent, RefreshTransport, SessionStatus, SignOutReason, TokenGrant } from "./types";

export interface AuthSessionOptions {
  /** The GraphQL endpoint the kit calls refreshToken and logout on, e.g. "/graphql". */
  url: string;
  /**
   * "cookie": the refresh token stays in an HttpOnly cookie (browser apps on the API's site).
   * "body": the kit keeps it (`store`); for apps that cannot use the cookie.
   */
  transport: RefreshTransport;
  /** Body mode only. Default: memory (see memoryRefreshTokenStore). */
  store?: RefreshTokenStore;
  /**
   * Share the session with the profile's other tabs (default: whenever they share it: cookie mode,
   * or a shared store). `name` separates two sessions on one origin (default: the endpoint's URL).
   */
  crossTab?: boolean | { name: string };
  /** Refresh this long before the access token expires (at most half its lifetime). Default 30 s. */
  refreshMarginMs?: number;
  fetch?: FetchLike;
  /** Replaces the HTTP calls (tests, or a custom transport). */
  endpoint?: SessionEndpoint;
  /** Replaces the cross-tab coordination (tests). */
  coordinator?: TabCoordinator;
  clock?: KitClock;
  /** A proactive (timer) refresh failed for a passing reason; the next operation tries again. */
  onBackgroundError?(error: unknown): void;
}

/** The session is over (or was never there): no token can be had without signing in. */
export class SessionEndedError extends Error {
  override readonly name = "SessionEndedError";
  constructor(readonly reason: SignOutReason | "NOT_SIGNED_IN") {
    super(reason === "NOT_SIGNED_IN" ? "Not signed in." : `The session ended (${reason}); sign in again.`);
  }
}

export interface AuthSession {
  readonly transport: RefreshTransport;
  status(): SessionStatus;
  /** The current access token, as it is (null when signed out or not yet known). */
  accessToken(): string | null;
  /**
   * A token to send now: the current one, refreshed first when it is due (or, status "unknown",
   * restored from the cookie or store). Never throws: null when there is no session to use.
   */
  freshAccessToken(): Promise<string | null>;
  /**
   * A new access token, one refresh for all callers in all tabs. `stale`: the token a request was
   * refused with; if the session has already moved past it, the current token is returned without
   * asking the server. Rejects with SessionEndedError when the session is over.
   */
  refresh(stale?: string | null): Promise<string>;
  /** After signup, login, changePassword or resetPassword: start using their AuthPayload. */
  signIn(grant: TokenGrant): Promise<void>;
  /** Ends the session on the server (logout) and in every tab. */
  signOut(): Promise<void>;
  /**
   * The server said the session is over (an operation's SESSION_REVOKED, a 4403 close, a
   * sessionEvents revocation). `token`: the one that was refused; an answer about a token of
   * another session (one before the latest sign-in) is ignored.
   */
  end(reason: SignOutReason, token?: string | null): void;
  /** Headers for a GraphQL request: the bearer token, Apollo's CSRF preflight header and, in cookie mode, the transport header. */
  requestHeaders(token: string | null): Record<string, string>;
  /** `credentials` for fetch: "include" in cookie mode, so a same-site page on another origin sends the cookie. */
  readonly credentials: "include" | undefined;
  subscribe(listener: (event: AuthSessionEvent) => void): () => void;
  dispose(): void;
}
