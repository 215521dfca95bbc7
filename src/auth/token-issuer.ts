import type { AuthDeps } from "./deps";
import type { DirectRotation, FirstSession, NewRefreshToken, NewSession } from "./ports";
import { nextTurn } from "./next-turn";
import { generateRefreshToken } from "./refresh-token-codec";
import type { AuditEventType, ClientInfo, SessionRecord, TokenPair, UserRecord } from "./types";

type IssuerDeps = Pick<AuthDeps, "sessions" | "accessTokens" | "notify" | "clock" | "randomBytes" | "newId" | "policy" | "auditor">;

/** A session ready to be written (FirstSession's rows) and the refresh token it hands out. */
export interface PreparedSession extends FirstSession {
  refresh: MintedRefreshToken;
}

export interface MintedRefreshToken {
  token: string;
  record: NewRefreshToken;
}

/** Creates sessions and token pairs; the only place that decides refresh-token lifetimes. */
export class TokenIssuer {
  constructor(private readonly deps: IssuerDeps) {}

  /**
   * Null when the user's credentials changed after `user` was read (the session would be born
   * dead: it is stamped with `user.credentialVersion`); nothing is written then. `audited` names
   * the event (user and session) written with the session, in the same statement.
   */
  async startSession(user: UserRecord, client: ClientInfo, audited?: AuditEventType): Promise<TokenPair | null> {
    const first = this.prepareSession(user, client, audited);
    const created = this.deps.sessions.create(first.session, first.token, first.audit);
    // Signed while the database writes (the CPU would idle through the round trip otherwise); the
    // pair leaves only once the session exists. A driver sends the statement a few promise turns
    // after create() returns (pg hands out a pooled connection asynchronously, the PGlite thread
    // takes it in turn): signing at once delayed the send by the signing (traced, 0.15–0.2 ms a
    // login), so the signing waits for the event loop's next turn, after those.
    // Until then nothing awaits the write: a failure meanwhile is handled here, and thrown below.
    created.catch(() => undefined);
    await nextTurn();
    let pair: TokenPair;
    try {
      pair = this.pair(user, first.session.id, first.refresh);
    } catch (error) {
      await created.catch(() => undefined);
      throw error;
    }
    if (!(await created)) return null;
    this.deps.notify.sessionCreated(user.id, first.session.id);
    return pair;
  }

  /**
   * The rows of a new session of `user` (its first refresh token, and its event when `audited`
   * names one), for the store to write: startSession's, or a signup's with its new user
   * (UserStore.create). Once written, `opened` hands out the pair.
   */
  prepareSession(user: Pick<UserRecord, "id" | "credentialVersion">, client: ClientInfo, audited?: AuditEventType): PreparedSession {
    const now = this.deps.clock.now();
    const absoluteExpiresAt = new Date(now.getTime() + this.deps.policy.sessionMaxAgeMs);
    const session: NewSession = {
      id: this.deps.newId(),
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now,
      absoluteExpiresAt,
      userAgent: client.userAgent,
      ip: client.ip,
      credentialVersion: user.credentialVersion,
    };
    const refresh = this.mintRefreshToken(session, null, now);
    session.expiresAt = refresh.record.expiresAt;
    const audit = audited ? this.deps.auditor.event(audited, client, { userId: user.id, sessionId: session.id }) : undefined;
    return { session, token: refresh.record, audit, refresh };
  }

  /** The pair for a session the store has written. */
  opened(user: UserRecord, first: PreparedSession): TokenPair {
    this.deps.notify.sessionCreated(user.id, first.session.id);
    return this.pair(user, first.session.id, first.refresh);
  }

  /** Idle expiry slides from `now` but never past the session's absolute expiry. */
  mintRefreshToken(
    session: Pick<SessionRecord, "id" | "absoluteExpiresAt">,
    parentId: string | null,
    now: Date,
  ): MintedRefreshToken {
    const { token, child } = this.mintUnplacedRefreshToken(now);
    const expiresAt = new Date(Math.min(child.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime()));
    return { token, record: { id: child.id, tokenHash: child.tokenHash, sessionId: session.id, parentId, createdAt: now, expiresAt } };
  }

  /**
   * A token for a session only the store will find (SessionStore.rotateByHash): the store caps
   * `idleExpiresAt` at that session's absolute expiry, the rule mintRefreshToken applies here.
   */
  mintUnplacedRefreshToken(now: Date): { token: string; child: DirectRotation["child"] } {
    const { token, hash } = generateRefreshToken(this.deps.randomBytes);
    const idleExpiresAt = new Date(now.getTime() + this.deps.policy.refreshTokenTtlMs);
    return { token, child: { id: this.deps.newId(), tokenHash: hash, idleExpiresAt } };
  }

  pair(user: UserRecord, sessionId: string, refresh: MintedRefreshToken): TokenPair {
    const access = this.deps.accessTokens.issue({ userId: user.id, role: user.role, sessionId, credentialVersion: user.credentialVersion, emailVerified: user.emailVerified });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.record.expiresAt,
      user,
      sessionId,
    };
  }
}
