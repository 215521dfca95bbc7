import {
  type AuditEvent,
  type AuditEventType,
  type AuditLog,
  AuthError,
  type LockedRefreshToken,
  type NewRefreshToken,
  type NewSession,
  type NewUser,
  type RefreshTokenRecord,
  type Role,
  type RotationTransaction,
  type SessionRecord,
  type SessionState,
  type SessionStore,
  type UserRecord,
  type UserStore,
  type UserWithPassword,
} from "../../src/auth";

/**
 * In-memory implementations of the storage ports for unit tests of pure auth logic. They run
 * the same contract suite as the Prisma adapters (test/db/memory.store.test.ts), so a test that
 * passes against them is not passing against a looser model of storage.
 */
export class MemoryUserStore implements UserStore {
  readonly rows = new Map<string, UserWithPassword & { updatedAt: Date }>();

  async create(user: NewUser): Promise<UserRecord> {
    if (this.rows.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
    if ([...this.rows.values()].some((u) => u.email === user.email)) {
      throw new AuthError("EMAIL_TAKEN", "An account with this email already exists.", { field: "email" });
    }
    this.rows.set(user.id, { ...user, updatedAt: user.createdAt });
    return publicUser(user);
  }
  async findByEmail(email: string): Promise<UserWithPassword | null> {
    const row = [...this.rows.values()].find((u) => u.email === email);
    return row ? { ...publicUser(row), passwordHash: row.passwordHash } : null;
  }
  async findById(id: string): Promise<UserRecord | null> {
    const row = this.rows.get(id);
    return row ? publicUser(row) : null;
  }
  async list(page: { first: number; after?: string | null }): Promise<UserRecord[]> {
    const sorted = [...this.rows.values()].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );
    let start = 0;
    if (page.after) {
      const index = sorted.findIndex((u) => u.id === page.after);
      if (index < 0) return [];
      start = index + 1;
    }
    return sorted.slice(start, start + page.first).map(publicUser);
  }
  async setRole(id: string, role: Role, at: Date): Promise<UserRecord | null> {
    const row = this.rows.get(id);
    if (!row) return null;
    Object.assign(row, { role, updatedAt: at });
    return publicUser(row);
  }
  async setPasswordHash(id: string, passwordHash: string, at: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row) Object.assign(row, { passwordHash, updatedAt: at });
  }
}

function publicUser(u: UserRecord): UserRecord {
  return { id: u.id, email: u.email, role: u.role, createdAt: u.createdAt };
}

export class MemorySessionStore implements SessionStore {
  sessions = new Map<string, SessionRecord & { revokedReason: string | null }>();
  tokens = new Map<string, RefreshTokenRecord>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly users: MemoryUserStore) {}

  async create(session: NewSession, firstToken: NewRefreshToken): Promise<void> {
    // Same constraints as the database, checked before any write so a failure leaves nothing behind.
    if (this.sessions.has(session.id) || this.tokens.has(firstToken.id)) throw new Error("duplicate id");
    if (!this.users.rows.has(session.userId)) throw new Error("unknown user");
    if ([...this.tokens.values()].some((t) => t.tokenHash === firstToken.tokenHash)) throw new Error("duplicate token hash");
    this.sessions.set(session.id, { ...session, revokedAt: null, revokedReason: null });
    this.tokens.set(firstToken.id, { ...firstToken, rotatedAt: null, revokedAt: null });
  }

  /** One global queue stands in for the row lock; a throw restores the pre-transaction copy. */
  withLockedRefreshToken<T>(
    tokenHash: string,
    work: (locked: LockedRefreshToken | null, tx: RotationTransaction) => Promise<T>,
  ): Promise<T> {
    const run = async () => {
      const snapshot = this.snapshot();
      try {
        const token = [...this.tokens.values()].find((t) => t.tokenHash === tokenHash);
        const session = token ? this.sessions.get(token.sessionId) : undefined;
        const user = session ? await this.users.findById(session.userId) : null;
        const locked = token && session && user ? { token: { ...token }, session: strip(session), user } : null;
        return await work(locked, this.rotationTx());
      } catch (error) {
        this.restore(snapshot);
        throw error;
      }
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
    const token = [...this.tokens.values()].find((t) => t.tokenHash === tokenHash);
    const session = token ? this.sessions.get(token.sessionId) : undefined;
    return session ? strip(session) : null;
  }
  async listActive(userId: string, now: Date): Promise<SessionRecord[]> {
    return [...this.sessions.values()]
      .filter((s) => s.userId === userId && s.revokedAt === null && s.expiresAt > now && s.absoluteExpiresAt > now)
      .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime())
      .map(strip);
  }
  async revoke(sessionId: string, userId: string, at: Date, reason: string): Promise<boolean> {
    const session = this.sessions.get(sessionId);
    if (!session || session.userId !== userId || session.revokedAt) return false;
    this.revokeNow(sessionId, at, reason);
    return true;
  }
  async replaceTokens(sessionId: string, token: NewRefreshToken, at: Date): Promise<boolean> {
    const session = this.sessions.get(sessionId);
    if (!session || session.revokedAt) return false;
    if ([...this.tokens.values()].some((t) => t.tokenHash === token.tokenHash)) throw new Error("duplicate token hash");
    for (const t of this.tokens.values()) if (t.sessionId === sessionId && !t.revokedAt) t.revokedAt = at;
    this.tokens.set(token.id, { ...token, rotatedAt: null, revokedAt: null });
    Object.assign(session, { lastUsedAt: at, expiresAt: token.expiresAt });
    return true;
  }
  async revokeAllForUser(userId: string, at: Date, reason: string, exceptSessionId?: string): Promise<number> {
    const targets = [...this.sessions.values()].filter(
      (s) => s.userId === userId && s.revokedAt === null && s.id !== exceptSessionId,
    );
    for (const s of targets) this.revokeNow(s.id, at, reason);
    return targets.length;
  }

  private revokeNow(sessionId: string, at: Date, reason: string): void {
    const session = this.sessions.get(sessionId);
    if (session && !session.revokedAt) Object.assign(session, { revokedAt: at, revokedReason: reason });
    for (const t of this.tokens.values()) if (t.sessionId === sessionId && !t.revokedAt) t.revokedAt = at;
  }

  private rotationTx(): RotationTransaction {
    return {
      insertToken: async (token) => {
        if (this.tokens.has(token.id) || [...this.tokens.values()].some((t) => t.tokenHash === token.tokenHash)) {
          throw new Error("duplicate refresh token");
        }
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

function strip(s: SessionRecord & { revokedReason?: string | null }): SessionRecord {
  const { revokedReason: _reason, ...rest } = s;
  return { ...rest };
}

export function memoryStores() {
  const users = new MemoryUserStore();
  return { users, sessions: new MemorySessionStore(users) };
}

export class MemoryAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];

  async record(event: AuditEvent): Promise<void> {
    if (this.events.some((e) => e.id === event.id)) throw new Error("duplicate audit event id");
    this.events.push({ ...event, detail: event.detail ? { ...event.detail } : null });
  }

  async list(page: { first: number; after?: string | null; userId?: string | null; type?: AuditEventType | null }) {
    const sorted = this.events
      .filter((e) => (page.userId ? e.userId === page.userId : true) && (page.type ? e.type === page.type : true))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    let start = 0;
    if (page.after) {
      const index = sorted.findIndex((e) => e.id === page.after);
      if (index < 0) return [];
      start = index + 1;
    }
    return sorted.slice(start, start + page.first);
  }
}
