/**
 * `graphql-auth-server/client`: a browser session for this server's tokens. Loads no GraphQL
 * client and nothing of the server; the Apollo link, the urql exchange and the websocket client
 * live in `graphql-auth-server/client/apollo`, `/urql` and `/ws`, so an app installs only the
 * client library it uses (test/client/kit-imports.test.ts holds every file to that).
 */
export { createAuthSession, SessionEndedError } from "./auth-session";
export type { AuthSession, AuthSessionOptions } from "./auth-session";
export { judgeErrors, judgeRefreshFailure, WS_SESSION_REVOKED, WS_TOKEN_REFUSED } from "./auth-errors";
export type { AuthVerdict, GraphQLErrorLike } from "./auth-errors";
export { localStorageRefreshTokenStore, memoryRefreshTokenStore } from "./refresh-token-store";
export type { RefreshTokenStore } from "./refresh-token-store";
export { httpSessionEndpoint, SessionRequestError, TRANSPORT_HEADER } from "./session-endpoint";
export type { FetchInit, FetchLike, HttpSessionEndpointOptions, SessionEndpoint } from "./session-endpoint";
export { browserTabCoordinator, singleTabCoordinator } from "./tab-coordinator";
export type { TabCoordinator, TabMessage } from "./tab-coordinator";
export { singleFlight } from "./single-flight";
export { systemClock } from "./clock";
export type { KitClock } from "./clock";
export type {
  AccessTokenState,
  AuthSessionEvent,
  EventOrigin,
  RefreshTransport,
  SessionStatus,
  SignOutReason,
  TokenGrant,
} from "./types";
