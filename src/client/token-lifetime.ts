import { readClaims } from "./token-claims";
import type { AccessTokenState, TokenGrant } from "./types";

/** Refresh this long before expiry by default (at most half the token's lifetime). */
export const DEFAULT_REFRESH_MARGIN_MS = 30_000;

/**
 * The access token's deadlines on the browser's clock. The lifetime comes from the token itself
 * (`exp - iat`, both server time), counted from when the browser received it: a browser clock
 * minutes off the server's would otherwise refresh far too early or only after expiry. Without
 * readable claims, `accessTokenExpiresAt` is taken as it is.
 */
export function accessTokenState(grant: TokenGrant, receivedAt: number, generation: number, marginMs = DEFAULT_REFRESH_MARGIN_MS): AccessTokenState {
  const lifetime = lifetimeFromClaims(grant.accessToken) ?? new Date(grant.accessTokenExpiresAt).getTime() - receivedAt;
  if (!Number.isFinite(lifetime)) throw new TypeError("accessTokenExpiresAt is not a date");
  const expiresAt = receivedAt + Math.max(0, lifetime);
  const refreshAt = Math.max(receivedAt + lifetime / 2, expiresAt - marginMs);
  return { accessToken: grant.accessToken, expiresAt, refreshAt, generation };
}

/** Due: refresh before using it. */
export function isDue(state: AccessTokenState, now: number): boolean {
  return now >= state.refreshAt;
}

function lifetimeFromClaims(token: string): number | null {
  const claims = readClaims(token);
  if (!claims || typeof claims.iat !== "number" || typeof claims.exp !== "number" || claims.exp <= claims.iat) return null;
  return (claims.exp - claims.iat) * 1000;
}
