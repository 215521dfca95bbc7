import type { DirectlyRotated, DirectRotation, LockedRefreshToken, NewRefreshToken, NewSession, RotationTransaction, RotationWrite, SessionStore } from "../auth/ports";
import type { AuditEvent, SessionRecord, SessionState } from "../auth/types";
import type { PrismaClient } from "./generated/prisma/client";
import { rotateByHash } from "./direct-rotation";
import type { HotSql } from "./hot-sql";
import { readRefreshToken, rotateIfUnchanged } from "./optimistic-rotation";
import { lockRefreshToken } from "./refresh-token-lock";
import { SESSION_RECORD } from "./selections";
import { queryLiveSessions, querySessionState } from "./session-state-query";
import { insertSessionWithToken, lockUserForRevocation, revokeSessions, rotationTransaction } from "./session-writes";
import { isUuid } from "../auth";
import { TX_OPTIONS } from "./transaction-options";

export class PrismaSessionStore implements SessionStore {
  /** `hot` runs the login, rotation and session-check statements; the rest goes through Prisma. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hot: HotSql,
  ) {}

  create(session: NewSession, firstToken: NewRefreshToken, audit?: AuditEvent): Promise<boolean> {
    return insertSessionWithToken(this.hot, session, firstToken, audit);
  }

  withLockedRefreshToken<T>(
    tokenHash: string,
    work: (locked: LockedRefreshToken | null, tx: RotationTransaction) => Promise<T>,
  ): Promise<T> {
    // Only `tx` may be used inside: PGlite has one connection, so the outer client would deadlock.
    return this.prisma.$transaction(async (tx) => {
      const locked = await lockRefreshToken(tx, tokenHash);
      return work(locked, rotationTransaction(tx));
    }, TX_OPTIONS);
  }

  findRefreshToken(tokenHash: string): Promise<LockedRefreshToken | null> {
    return readRefreshToken(this.hot, tokenHash);
  }

  rotate(write: RotationWrite): Promise<boolean> {
    return rotateIfUnchanged(this.hot, write);
  }

  rotateByHash(rotation: DirectRotation): Promise<DirectlyRotated | null> {
    return rotateByHash(this.hot, rotation);
  }

  async findState(sessionId: string): Promise<SessionState | null> {
    if (!isUuid(sessionId)) return null;
    return querySessionState(this.hot, sessionId);
  }

  findByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    return this.prisma.session.findFirst({
      where: { refreshTokens: { some: { tokenHash, revokedAt: null } } },
      select: SESSION_RECORD,
    });
  }

  async listActive(userId: string, now: Date): Promise<SessionRecord[]> {
    if (!isUuid(userId)) return [];
    return queryLiveSessions(this.prisma, userId, now);
  }

  async revoke(sessionId: string, userId: string, at: Date, reason: string): Promise<boolean> {
    if (!isUuid(sessionId) || !isUuid(userId)) return false;
    const revoked = await this.prisma.$transaction(
      (tx) => revokeSessions(tx, { id: sessionId, userId }, at, reason),
      TX_OPTIONS,
    );
    return revoked.length > 0;
  }

  async revokeAllForUser(userId: string, at: Date, reason: string, exceptSessionId?: string): Promise<number> {
    if (!isUuid(userId)) return 0;
    // A malformed exception id matches no session, so there is nothing to spare.
    const except = exceptSessionId !== undefined && isUuid(exceptSessionId) ? { not: exceptSessionId } : undefined;
    const revoked = await this.prisma.$transaction(async (tx) => {
      await lockUserForRevocation(tx, userId);
      return revokeSessions(tx, { userId, id: except }, at, reason);
    }, TX_OPTIONS);
    return revoked.length;
  }
}
