import type { AuthDeps } from "./deps";
import { AuthError, refreshTokenMissing } from "./errors";
import type { LockedRefreshToken, RotationTransaction } from "./ports";
import { hashRefreshToken, looksLikeRefreshToken, tokenHashMatches } from "./refresh-token-codec";
import { isSessionLive } from "./session-liveness";
import type { MintedRefreshToken, TokenIssuer } from "./token-issuer";
import type { ClientInfo, TokenPair, UserRecord } from "./types";

type RefreshDeps = Pick<AuthDeps, "sessions" | "clock" | "policy" | "notify" | "logger" | "auditor" | "guard">;

type Outcome =
  | { kind: "issued"; user: UserRecord; sessionId: string; refresh: MintedRefreshToken; withinGrace: boolean }
  | { kind: "invalid" }
  | { kind: "reused"; userId: string; sessionId: string };

const invalid = (): AuthError =>
  new AuthError("INVALID_REFRESH_TOKEN", "The refresh token is invalid, expired or revoked; sign in again.");

/**
 * Refresh-token rotation (RFC 9700 §4.14.2). Each token is exchanged once, inside a transaction
 * that holds its row lock, for a child in the same session. A token exchanged again within the
 * grace window (two tabs racing) gets a sibling; after it, the exchange is treated as theft and
 * the whole session is revoked.
 */
export class RefreshService {
  constructor(
    private readonly deps: RefreshDeps,
    private readonly issuer: TokenIssuer,
  ) {}

  async refresh(presented: string | null | undefined, client: ClientInfo): Promise<TokenPair> {
    // Nothing to check, so no budget spent: a page that lost its cookie must learn that, not wait.
    if (presented == null) throw refreshTokenMissing();
    await this.deps.guard.beforeRefresh(client);
    if (!presented || !looksLikeRefreshToken(presented)) throw invalid();
    const now = this.deps.clock.now();
    const outcome = await this.deps.sessions.withLockedRefreshToken(hashRefreshToken(presented), (locked, tx) =>
      this.decide(presented, locked, tx, now),
    );
    if (outcome.kind === "invalid") throw invalid();
    if (outcome.kind === "reused") {
      // After the transaction committed: a receiver re-reading the session must find it revoked.
      this.deps.notify.sessionRevoked(outcome.userId, outcome.sessionId);
      this.deps.logger.warn(
        { event: "refresh_reuse_detected", userId: outcome.userId, sessionId: outcome.sessionId },
        "rotated refresh token reused after grace window; session revoked",
      );
      await this.deps.auditor.record("refresh_reuse_detected", client, { userId: outcome.userId, sessionId: outcome.sessionId });
      throw new AuthError("REFRESH_TOKEN_REUSED", "This refresh token was already used; the session has been revoked for safety. Sign in again.");
    }
    const { user } = outcome;
    await this.deps.auditor.record("refresh_rotated", client, {
      userId: user.id,
      sessionId: outcome.sessionId,
      detail: { withinGrace: outcome.withinGrace },
    });
    return this.issuer.pair(user, outcome.sessionId, outcome.refresh);
  }

  private async decide(
    presented: string,
    locked: LockedRefreshToken | null,
    tx: RotationTransaction,
    now: Date,
  ): Promise<Outcome> {
    if (!locked || !tokenHashMatches(locked.token.tokenHash, presented)) return { kind: "invalid" };
    const { token, session } = locked;
    // A session stamped before the last password change is as dead as a revoked one.
    if (token.revokedAt || token.expiresAt <= now || !isSessionLive(session, locked.user, now)) return { kind: "invalid" };
    if (token.rotatedAt) {
      const sinceRotation = now.getTime() - token.rotatedAt.getTime();
      if (sinceRotation > this.deps.policy.reuseGraceMs) {
        await tx.revokeSession(session.id, now, "refresh_token_reused");
        return { kind: "reused", userId: session.userId, sessionId: session.id };
      }
    } else {
      await tx.markRotated(token.id, now);
    }
    // Within the grace window the sibling shares the rotated token's parent-child link, so the
    // family tree still records which token each was exchanged from.
    const refresh = this.issuer.mintRefreshToken(session, token.id, now);
    await tx.insertToken(refresh.record);
    await tx.touchSession(session.id, { lastUsedAt: now, expiresAt: refresh.record.expiresAt });
    return { kind: "issued", user: locked.user, sessionId: session.id, refresh, withinGrace: token.rotatedAt !== null };
  }
}
