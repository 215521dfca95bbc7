import {
  type AuditEvent,
  type DirectlyRotated,
  type DirectRotation,
  isSessionLive,
  type LockedRefreshToken,
  type NewRefreshToken,
  type NewSession,
  type PasswordChange,
  type RefreshTokenRecord,
  type RotationTransaction,
  type RotationWrite,
  type SessionRecord,
  type SessionState,
  type SessionStore,
  type UserRecord,
} from "../../../src/auth";
import type { MemoryAuditLog } from "./memory-audit-log";
import { publicUser, type MemoryUserStore } from "./memory-user-store";

type SessionRow = SessionRecord & { revokedReason: string | null };

export class MemorySessionStore implements SessionStore {
  sessions = new Map<string, SessionRow>();
  tokens = new Map<string, RefreshTokenRecord>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Set by memoryStores(): a rotation writes its audit event with it, as the database does. */
  audit: MemoryAuditLog | null = null;

  constructor(private readonly users: MemoryUserStore) {}

  async create(session: NewSession, firstToken: NewRefreshToken, audit?: AuditEvent): Promise<boolean> {
    return this.insertFirst(session, firstToken, audit);
  }

  /** SessionStore.create without the promise, for a signup's user and session in one step. */
  insertFirst(session: NewSession, firstToken: NewRefreshToken, audit?: AuditEvent): boolean {
    // Same constraints as the database, checked before any write so a failure leaves nothing behind.
    if (this.sessions.has(session.id) || this.tokens.has(firstToken.id)) throw new Error("duplicate id");
    const user = this.users.rows.get(session.userId);
    if (!user) throw new Error("unknown user");
    if (this.hashTaken(firstToken.tokenHash)) throw new Error("duplicate token hash");
    if (user.credentialVersion !== session.credentialVersion || user.disabled) return false;
    if (audit) {
      if (!this.audit) throw new Error("MemorySessionStore.audit is unset: build the stores with memoryStores()");
      this.audit.append(audit); // throws on a duplicate id, before anything else is written
    }
    this.sessions.set(session.id, { ...session, revokedAt: null, revokedReason: null });
    this.tokens.set(firstToken.id, { ...firstToken, rotatedAt: null, revokedAt: null });
    return true;
  }

  /** One global queue stands in for the row lock; a throw restores the pre-transaction copy. */
  withLockedRefreshToken<T>(
    tokenHash: string,
    work: (locked: LockedRefreshToken | null, tx: RotationTransaction) => Promise<T>,
  ): Promise<T> {
    const run = async () => {
      const snapshot = this.snapshot();
      try {
        return await work(await this.read(tokenHash), this.rotationTx());
      } catch (error) {
        this.restore(snapshot);
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  findRefreshToken(tokenHash: string): Promise<LockedRefreshToken | null> {
    return this.read(tokenHash);
  }

  /** The database's conditions (see optimistic-rotation.ts), checked and applied in one step of the queue. */
  rotate(w: RotationWrite): Promise<boolean> {
    const run = async () => {
      const session = this.sessions.get(w.read.session.id);
      const user = this.users.rows.get(w.read.user.id);
      const token = this.tokens.get(w.read.token.id);
      const version = w.read.session.credentialVersion;
      if (!session || session.userId !== w.read.user.id || session.revokedAt || session.credentialVersion !== version) return false;
      if (!user || user.disabled || user.credentialVersion !== version) return false;
      if (!token || token.sessionId !== session.id || token.revokedAt || (token.rotatedAt === null) !== w.marksRotation) return false;
      if (this.tokens.has(w.child.id) || this.hashTaken(w.child.tokenHash)) throw new Error("duplicate refresh token");
      if (!this.audit) throw new Error("MemorySessionStore.audit is unset: build the stores with memoryStores()");
      this.audit.append(w.audit); // throws on a duplicate id, before anything else is written
      if (w.marksRotation) token.rotatedAt = w.at;
      this.tokens.set(w.child.id, { ...w.child, rotatedAt: null, revokedAt: null });
      Object.assign(session, { lastUsedAt: w.at, expiresAt: w.child.expiresAt });
      return true;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The database's conditions (see direct-rotation.ts), checked and applied in one step of the queue. */
  rotateByHash(r: DirectRotation): Promise<DirectlyRotated | null> {
    const run = async (): Promise<DirectlyRotated | null> => {
      const token = [...this.tokens.values()].find((t) => t.tokenHash === r.tokenHash);
      const session = token ? this.sessions.get(token.sessionId) : undefined;
      const user = session ? this.users.rows.get(session.userId) : undefined;
      if (!token || !session || !user || token.rotatedAt || token.revokedAt || token.expiresAt <= r.at) return null;
      if (!isSessionLive(session, user, r.at)) return null;
      const expiresAt = new Date(Math.min(r.child.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime()));
      const child = { id: r.child.id, tokenHash: r.child.tokenHash, sessionId: session.id, parentId: token.id, createdAt: r.at, expiresAt };
      if (this.tokens.has(child.id) || this.hashTaken(child.tokenHash)) throw new Error("duplicate refresh token");
      if (!this.audit) throw new Error("MemorySessionStore.audit is unset: build the stores with memoryStores()");
      this.audit.append({ ...r.audit, userId: user.id, sessionId: session.id }); // throws on a duplicate id first
      token.rotatedAt = r.at;
      this.tokens.set(child.id, { ...child, rotatedAt: null, revokedAt: null });
      Object.assign(session, { lastUsedAt: r.at, expiresAt });
      return { child, user: publicUser(user) };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async findState(sessionId: string): Promise<SessionState | null> {
    const session = this.sessions.get(sessionId);
    const user = session ? await this.users.findById(session.userId) : null;
    return session && user ? { session: strip(session), user } : null;
  }
  async findByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    const token = [...this.tokens.values()].find((t) => t.tokenHash === tokenHash && t.revokedAt === null);
    const session = token ? this.sessions.get(token.sessionId) : undefined;
    return session ? strip(session) : null;
  }
  async listActive(userId: string, now: Date): Promise<SessionRecord[]> {
    const user = await this.users.findById(userId);
    if (!user) return [];
    return [...this.sessions.values()]
      .filter((s) => isSessionLive(s, user, now))
      .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime() || b.id.localeCompare(a.id))
      .map(strip);
  }
  async revoke(sessionId: string, userId: string, at: Date, reason: string): Promise<boolean> {
    const session = this.sessions.get(sessionId);
    if (!session || session.userId !== userId || session.revokedAt) return false;
    this.revokeNow(sessionId, at, reason);
    return true;
  }
  async revokeAllForUser(userId: string, at: Date, reason: string, exceptSessionId?: string): Promise<number> {
    return this.revokeAllNow(userId, at, reason, exceptSessionId);
  }

  /** revokeAllForUser in the caller's step (a disable, a password reset). */
  revokeAllNow(userId: string, at: Date, reason: string, exceptSessionId?: string): number {
    const targets = [...this.sessions.values()].filter(
      (s) => s.userId === userId && s.revokedAt === null && s.id !== exceptSessionId,
    );
    for (const s of targets) this.revokeNow(s.id, at, reason);
    return targets.length;
  }

  /** The foreign-key cascade of a user's deletion: its sessions and their refresh tokens. */
  deleteAllOf(userId: string): void {
    for (const s of [...this.sessions.values()]) {
      if (s.userId !== userId) continue;
      this.sessions.delete(s.id);
      for (const t of [...this.tokens.values()]) if (t.sessionId === s.id) this.tokens.delete(t.id);
    }
  }

  /** MemoryUserStore.changePassword's session half; null (nothing written) when `keep` is not live. */
  rekeyForPasswordChange(change: PasswordChange, user: UserRecord, credentialVersion: number): number | null {
    const keep = this.sessions.get(change.keep.sessionId);
    if (!keep || !isSessionLive(keep, user, change.at)) return null;
    if (this.hashTaken(change.keep.token.tokenHash)) throw new Error("duplicate token hash");
    const others = [...this.sessions.values()].filter((s) => s.userId === user.id && s.revokedAt === null && s.id !== keep.id);
    for (const s of others) this.revokeNow(s.id, change.at, "password_changed");
    for (const t of this.tokens.values()) if (t.sessionId === keep.id && !t.revokedAt) t.revokedAt = change.at;
    this.tokens.set(change.keep.token.id, { ...change.keep.token, rotatedAt: null, revokedAt: null });
    Object.assign(keep, { lastUsedAt: change.at, expiresAt: change.keep.token.expiresAt, credentialVersion });
    return others.length;
  }

  private async read(tokenHash: string): Promise<LockedRefreshToken | null> {
    const token = [...this.tokens.values()].find((t) => t.tokenHash === tokenHash);
    const session = token ? this.sessions.get(token.sessionId) : undefined;
    const user = session ? await this.users.findById(session.userId) : null;
    return token && session && user ? { token: { ...token }, session: strip(session), user } : null;
  }

  private hashTaken(tokenHash: string): boolean {
    return [...this.tokens.values()].some((t) => t.tokenHash === tokenHash);
  }

  private revokeNow(sessionId: string, at: Date, reason: string): void {
    const session = this.sessions.get(sessionId);
    if (session && !session.revokedAt) Object.assign(session, { revokedAt: at, revokedReason: reason });
    for (const t of this.tokens.values()) if (t.sessionId === sessionId && !t.revokedAt) t.revokedAt = at;
  }

  private rotationTx(): RotationTransaction {
    return {
      insertToken: async (token) => {
        if (this.tokens.has(token.id) || this.hashTaken(token.tokenHash)) throw new Error("duplicate refresh token");
        this.tokens.set(token.id, { ...token, rotatedAt: null, revokedAt: null });
      },
      markRotated: async (tokenId, at) => {
        const token = this.tokens.get(tokenId);
        if (token) token.rotatedAt = at;
      },
      touchSession: async (sessionId, update) => {
        const session = this.sessions.get(sessionId);
        if (session) Object.assign(session, update);
      },
      revokeSession: async (sessionId, at, reason) => this.revokeNow(sessionId, at, reason),
    };
  }

  private snapshot() {
    const clone = <V extends object>(m: Map<string, V>) => new Map([...m].map(([k, v]) => [k, { ...v }]));
    return { sessions: clone(this.sessions), tokens: clone(this.tokens) };
  }
  private restore(s: ReturnType<MemorySessionStore["snapshot"]>): void {
    this.sessions = s.sessions;
    this.tokens = s.tokens;
  }
}

function strip(s: SessionRow): SessionRecord {
  const { revokedReason: _reason, ...rest } = s;
  return { ...rest };
}
