import type { AccessTokenClaims } from "../auth/access-token-verification";
import { type AuthError, serviceUnavailable, type UnauthenticatedReason } from "../auth/errors";
import type { Role } from "../auth/types";

/** The caller behind a verified token: what the `@auth` check and resolvers read. */
export interface VerifiedViewer {
  /** `role` is the token's, or the auth server's live one when introspection is on. */
  user: { id: string; role: Role; emailVerified: boolean };
  sessionId: string;
  claims: AccessTokenClaims;
}

/**
 * The same closed shape the auth server's own context carries (its ViewerState fields): a viewer,
 * or the reason there is none. `authError` is set only for an outage (no keys, status endpoint
 * unreachable), so the caller hears "try again" (SERVICE_UNAVAILABLE) instead of "sign in again".
 */
export type VerifyResult =
  | { viewer: VerifiedViewer; authFailure: null; authError: null }
  | { viewer: null; authFailure: UnauthenticatedReason; authError: AuthError | null };

export function signedIn(claims: AccessTokenClaims, role: Role): VerifyResult {
  return { viewer: { user: { id: claims.sub, role, emailVerified: claims.emailVerified }, sessionId: claims.sid, claims }, authFailure: null, authError: null };
}

export function refused(reason: UnauthenticatedReason): VerifyResult {
  return { viewer: null, authFailure: reason, authError: null };
}

/** SERVICE_UNAVAILABLE, with the underlying failure as `cause` for the service's logs. */
export function outage(cause: unknown): VerifyResult {
  const error = serviceUnavailable();
  error.cause = cause;
  return { viewer: null, authFailure: "TOKEN_INVALID", authError: error };
}
