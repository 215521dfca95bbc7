import type { Auth, ClientInfo, UnauthenticatedReason, Viewer } from "../../auth";
import type { RefreshTokenTransport } from "./refresh-transport";

/**
 * Per-request context. The bearer token is verified once, before execution; resolvers read
 * `viewer` and never look at tokens themselves.
 */
export interface GraphQLContext {
  auth: Auth;
  viewer: Viewer | null;
  /** Why there is no viewer (null when there is one). */
  authFailure: UnauthenticatedReason | null;
  /** An infrastructure failure while checking the token; surfaced only if a field needs a viewer. */
  authError: unknown;
  /** The raw Authorization header, kept only so logout can end the session of an expired token. */
  authorization: string | undefined;
  client: ClientInfo;
  refreshTransport: RefreshTokenTransport;
}
