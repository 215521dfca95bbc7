import type { AccessTokenClaims, Auth, ClientInfo, UnauthenticatedReason, Viewer } from "../../auth";
import type { RefreshTokenTransport } from "./refresh-transport";

/**
 * What resolvers may use. `auth` is the auth core; each module adds its own keys by declaration
 * merging (`declare module "…/graphql" { interface Services { projects: ProjectStore } }`).
 */
export interface Services {
  auth: Auth;
}

/**
 * Per-operation context, the same over HTTP and websockets. The bearer token is verified once,
 * before execution; resolvers read `viewer` and never look at tokens themselves.
 */
export interface GraphQLContext {
  /** The signed-in user (current role, read from the store) and session; null when anonymous. */
  viewer: Viewer | null;
  /** Why there is no viewer (null when there is one). */
  authFailure: UnauthenticatedReason | null;
  /** An infrastructure failure while checking the token; surfaced only if a field needs a viewer. */
  authError: unknown;
  /** Verified claims of the presented token, expired ones included: logout's proof of possession. */
  claims: AccessTokenClaims | null;
  /** Who is asking: ip, user agent, request id. */
  client: ClientInfo;
  services: Services;
  refreshTransport: RefreshTokenTransport;
}
