import { type AuthError, unauthenticated, type UnauthenticatedReason } from "../../auth/errors";
import type { Role } from "../../auth/types";

/**
 * What authorization needs to know of a signed-in caller. The server's `Viewer` (full user record)
 * and the verifier kit's (claims of a token checked elsewhere) both fit.
 */
export interface AuthorizedViewer {
  /** `emailVerified`: the server's live value, or the kit's token claim; absent counts as false. */
  user: { id: string; role: Role; emailVerified?: boolean };
  sessionId: string;
}

/** Who is asking, as every transport's context records it (GraphQLContext has these three fields). */
export interface ViewerState<V extends AuthorizedViewer = AuthorizedViewer> {
  viewer: V | null;
  /** Why there is no viewer (null when there is one). */
  authFailure: UnauthenticatedReason | null;
  /** An infrastructure failure while checking the token. */
  authError: unknown;
}

/**
 * The denial for a caller without a viewer. A database failure while checking the token must not
 * masquerade as "please sign in": the parked error is thrown so it surfaces as itself (the error
 * formatter turns an outage into SERVICE_UNAVAILABLE).
 */
export function missingViewer(state: ViewerState): AuthError {
  if (state.authError) throw state.authError;
  return unauthenticated(state.authFailure ?? "TOKEN_MISSING");
}
