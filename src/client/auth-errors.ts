import type { SignOutReason } from "./types";

/**
 * The server's error contract (src/auth/errors.ts, restated because the kit loads nothing of the
 * server; test/client/auth-errors.test.ts holds the two together).
 */
export const UNAUTHENTICATED = "UNAUTHENTICATED";
export const INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN";
export const REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED";
export const SESSION_REVOKED = "SESSION_REVOKED";

/** graphql-ws close codes of this server (src/ws/close-codes.ts). */
export const WS_TOKEN_REFUSED = 4401;
export const WS_SESSION_REVOKED = 4403;

/** The shape of a GraphQL error as clients receive it (Apollo, urql and graphql-ws alike). */
export interface GraphQLErrorLike {
  readonly message?: string;
  readonly extensions?: Readonly<Record<string, unknown>> | null;
}

export type AuthVerdict =
  /** The access token was expired, invalid or absent: refresh once, then replay the operation once. */
  | { action: "refresh" }
  /** The session is over: sign out (every tab). */
  | { action: "sign-out"; reason: SignOutReason }
  | { action: "none" };

const NONE: AuthVerdict = { action: "none" };

/**
 * Which errors of an operation's response concern the session. A revoked session wins over an
 * expired token (refreshing it would only fail); anything else (FORBIDDEN, BAD_USER_INPUT…) is the
 * application's business.
 */
export function judgeErrors(errors: readonly GraphQLErrorLike[] | null | undefined): AuthVerdict {
  let verdict = NONE;
  for (const error of errors ?? []) {
    const next = judgeError(error);
    if (next.action === "sign-out") return next;
    if (next.action === "refresh") verdict = next;
  }
  return verdict;
}

function judgeError(error: GraphQLErrorLike): AuthVerdict {
  const code = error.extensions?.code;
  const reason = error.extensions?.reason;
  if (code === REFRESH_TOKEN_REUSED) return { action: "sign-out", reason: "REFRESH_TOKEN_REUSED" };
  if (code === INVALID_REFRESH_TOKEN) return { action: "sign-out", reason: "INVALID_REFRESH_TOKEN" };
  if (code !== UNAUTHENTICATED) return NONE;
  // TOKEN_EXPIRED, TOKEN_INVALID (say, a rotated signing key), TOKEN_MISSING (sent before the
  // session was restored): a fresh token may succeed. The refresh itself fails fast when signed out.
  return reason === SESSION_REVOKED ? { action: "sign-out", reason: "SESSION_REVOKED" } : { action: "refresh" };
}

/** A failed refreshToken call: the session is over, or the failure is passing (network, rate limit, outage). */
export function judgeRefreshFailure(code: string): SignOutReason | null {
  if (code === REFRESH_TOKEN_REUSED) return "REFRESH_TOKEN_REUSED";
  // Also a disabled or deleted account, or a session ended by a password change: the server
  // answers every dead session alike.
  if (code === INVALID_REFRESH_TOKEN) return "INVALID_REFRESH_TOKEN";
  return null;
}
