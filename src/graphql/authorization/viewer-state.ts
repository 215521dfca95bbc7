import { type AuthError, unauthenticated, type UnauthenticatedReason, type Viewer } from "../../auth";

/** Who is asking, as every transport's context records it (GraphQLContext has these three fields). */
export interface ViewerState {
  viewer: Viewer | null;
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
