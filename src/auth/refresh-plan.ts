import type { LockedRefreshToken } from "./ports";
import { tokenHashMatches } from "./refresh-token-codec";
import { isSessionLive } from "./session-liveness";

export type ExchangePlan = { kind: "invalid" } | { kind: "revoke" } | { kind: "rotate"; marksRotation: boolean };

/**
 * The one decision every refresh path applies: what exchanging the `presented` token, read as
 * `read`, at `now` means. SessionStore.rotateByHash applies exactly the "rotate, marking it" case
 * in SQL; the store contract pits it against this function.
 */
export function planExchange(presented: string, read: LockedRefreshToken | null, now: Date, reuseGraceMs: number): ExchangePlan {
  if (!read || !tokenHashMatches(read.token.tokenHash, presented)) return { kind: "invalid" };
  const { token, session } = read;
  // A session stamped before the last password change is as dead as a revoked one.
  if (token.revokedAt || token.expiresAt <= now || !isSessionLive(session, read.user, now)) return { kind: "invalid" };
  if (!token.rotatedAt) return { kind: "rotate", marksRotation: true };
  const sinceRotation = now.getTime() - token.rotatedAt.getTime();
  return sinceRotation > reuseGraceMs ? { kind: "revoke" } : { kind: "rotate", marksRotation: false };
}
