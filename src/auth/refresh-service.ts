import type { AuthDeps } from "./deps";
import { AuthError, refreshTokenMissing } from "./errors";
import type { LockedRefreshToken, RotationTransaction } from "./ports";
import { planExchange, type ExchangePlan } from "./refresh-plan";
import { hashRefreshToken, looksLikeRefreshToken } from "./refresh-token-codec";
import type { MintedRefreshToken, TokenIssuer } from "./token-issuer";
import type { ClientInfo, TokenPair, UserRecord } from "./types";

type RefreshDeps = Pick<AuthDeps, "sessions" | "clock" | "policy" | "notify" | "logger" | "auditor" | "guard">;

/** Lost races re-read and decide again this often before the locked path takes over. */
const OPTIMISTIC_ATTEMPTS = 3;

type Outcome =
  /** `audited`: the refresh_rotated event was written with the rotation (the one-statement and optimistic paths). */
  | { kind: "issued"; user: UserRecord; sessionId: string; refresh: MintedRefreshToken; withinGrace: boolean; audited: boolean }
  | { kind: "invalid" }
  | { kind: "reused"; userId: string; sessionId: string };

const invalid = (): AuthError =>
  new AuthError("INVALID_REFRESH_TOKEN", "The refresh token is invalid, expired or revoked; sign in again.");

/**
 * Refresh-token rotation (RFC 9700 §4.14.2). Each token is exchanged once for a child in the same
 * session. A token exchanged again within the grace window (two tabs racing) gets a sibling; after
 * it, the exchange is treated as theft and the whole session is revoked.
 *
 * A first exchange of a live token is one statement (rotateDirectly). Anything else runs
 * optimistically: read without locks, decide, then one conditional statement
 * that applies the rotation only if what was read still holds (SessionStore.rotate). Nothing is
 * held across round trips, so fifty tabs racing one token queue for a statement each instead of
 * for a transaction each. A lost race re-reads and decides again (the winner's rotation makes the
 * next decision a sibling); revoking a family, and a race lost repeatedly, run the locked path,
 * which decides on rows it holds.
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
    const hash = hashRefreshToken(presented);
    const outcome =
      (await this.rotateDirectly(hash, now, client)) ??
      (await this.rotateOptimistically(presented, hash, now, client)) ??
      (await this.deps.sessions.withLockedRefreshToken(hash, (locked, tx) => this.applyLocked(presented, locked, tx, now)));
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
    if (!outcome.audited) await this.deps.auditor.record("refresh_rotated", client, rotatedFacts(outcome));
    return this.issuer.pair(user, outcome.sessionId, outcome.refresh);
  }

  /**
   * A first exchange of a live token, the common case, in one statement (SessionStore.rotateByHash).
   * Null when the store refused it, for whatever reason: the optimistic path then reads and
   * decides with plan(), which alone knows grace, reuse and invalid tokens.
   */
  private async rotateDirectly(hash: string, now: Date, client: ClientInfo): Promise<Outcome | null> {
    const { token, child } = this.issuer.mintUnplacedRefreshToken(now);
    // Its user and session are the token's, filled in by the store.
    const audit = this.deps.auditor.event("refresh_rotated", client, { detail: { withinGrace: false } });
    const rotated = await this.deps.sessions.rotateByHash({ tokenHash: hash, at: now, child, audit });
    if (!rotated) return null;
    const refresh = { token, record: rotated.child };
    return { kind: "issued", user: rotated.user, sessionId: rotated.child.sessionId, refresh, withinGrace: false, audited: true };
  }

  /**
   * Null hands the decision to the locked path. An "invalid" read is final: every way a token
   * becomes unusable (revoked, expired, its session or user ended) is permanent.
   */
  private async rotateOptimistically(presented: string, hash: string, now: Date, client: ClientInfo): Promise<Outcome | null> {
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const read = await this.deps.sessions.findRefreshToken(hash);
      const plan = this.plan(presented, read, now);
      if (plan.kind === "invalid") return { kind: "invalid" };
      if (plan.kind === "revoke" || !read) return null;
      const refresh = this.issuer.mintRefreshToken(read.session, read.token.id, now);
      const issued = this.issued(read, refresh, true);
      const audit = this.deps.auditor.event("refresh_rotated", client, rotatedFacts(issued));
      const write = { read, marksRotation: plan.marksRotation, child: refresh.record, at: now, audit };
      if (await this.deps.sessions.rotate(write)) return issued;
    }
    return null;
  }

  private async applyLocked(
    presented: string,
    locked: LockedRefreshToken | null,
    tx: RotationTransaction,
    now: Date,
  ): Promise<Outcome> {
    const plan = this.plan(presented, locked, now);
    if (plan.kind === "invalid" || !locked) return { kind: "invalid" };
    const { token, session } = locked;
    if (plan.kind === "revoke") {
      await tx.revokeSession(session.id, now, "refresh_token_reused");
      return { kind: "reused", userId: session.userId, sessionId: session.id };
    }
    if (plan.marksRotation) await tx.markRotated(token.id, now);
    const refresh = this.issuer.mintRefreshToken(session, token.id, now);
    await tx.insertToken(refresh.record);
    await tx.touchSession(session.id, { lastUsedAt: now, expiresAt: refresh.record.expiresAt });
    return this.issued(locked, refresh, false);
  }

  private plan(presented: string, read: LockedRefreshToken | null, now: Date): ExchangePlan {
    return planExchange(presented, read, now, this.deps.policy.reuseGraceMs);
  }

  /**
   * Within the grace window the sibling shares the rotated token's parent-child link, so the
   * family tree still records which token each was exchanged from.
   */
  private issued(read: LockedRefreshToken, refresh: MintedRefreshToken, audited: boolean): Issued {
    return { kind: "issued", user: read.user, sessionId: read.session.id, refresh, withinGrace: read.token.rotatedAt !== null, audited };
  }
}

type Issued = Extract<Outcome, { kind: "issued" }>;

const rotatedFacts = (issued: Issued) => ({ userId: issued.user.id, sessionId: issued.sessionId, detail: { withinGrace: issued.withinGrace } });
