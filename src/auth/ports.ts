import type { AuditEvent, AuditEventType, RefreshTokenRecord, Role, SessionRecord, SessionState, UserRecord, UserWithPassword } from "./types";

/**
 * Storage ports. The auth core depends only on these; Prisma lives in src/db. Every
 * implementation must pass the shared contract suite in test/db/store-contract.ts.
 */

export interface NewUser {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
}

export interface UserStore {
  /** Throws AuthError("EMAIL_TAKEN") when the (already normalized) email exists. */
  create(user: NewUser): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserWithPassword | null>;
  findById(id: string): Promise<UserRecord | null>;
  /** Ordered by (createdAt, id); `after` is an exclusive cursor id. */
  list(page: { first: number; after?: string | null }): Promise<UserRecord[]>;
  setRole(id: string, role: Role, at: Date): Promise<UserRecord | null>;
  setPasswordHash(id: string, passwordHash: string, at: Date): Promise<void>;
}

export type NewSession = Omit<SessionRecord, "revokedAt">;
export type NewRefreshToken = Omit<RefreshTokenRecord, "rotatedAt" | "revokedAt">;

export interface LockedRefreshToken {
  token: RefreshTokenRecord;
  session: SessionRecord;
  /** The session's user as of this transaction, so the new access token carries the current role. */
  user: UserRecord;
}

/** Writes allowed while a refresh token row is locked; all commit or roll back together. */
export interface RotationTransaction {
  insertToken(token: NewRefreshToken): Promise<void>;
  markRotated(tokenId: string, at: Date): Promise<void>;
  touchSession(sessionId: string, update: { lastUsedAt: Date; expiresAt: Date }): Promise<void>;
  /** Revokes the session and every refresh token in it. */
  revokeSession(sessionId: string, at: Date, reason: string): Promise<void>;
}

export interface SessionStore {
  /** Creates a session together with its first refresh token, atomically. */
  create(session: NewSession, firstToken: NewRefreshToken): Promise<void>;
  /**
   * Runs `work` in one transaction holding exclusive locks (SELECT … FOR UPDATE) on the token's
   * session row and then on the token row with this hash, so concurrent rotations of one token are
   * serialized. Session-then-token is the same order revocation writes in, so the two never
   * deadlock. `locked` is null when no such token exists. If `work` throws, nothing it wrote is kept.
   */
  withLockedRefreshToken<T>(
    tokenHash: string,
    work: (locked: LockedRefreshToken | null, tx: RotationTransaction) => Promise<T>,
  ): Promise<T>;
  findState(sessionId: string): Promise<SessionState | null>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  /** Sessions neither revoked nor expired at `now`, newest first. */
  listActive(userId: string, now: Date): Promise<SessionRecord[]>;
  /** Revokes one session (and its tokens) if it belongs to `userId` and is not yet revoked. */
  revoke(sessionId: string, userId: string, at: Date, reason: string): Promise<boolean>;
  /**
   * Atomically revokes every live refresh token of a live session and makes `token` its only live
   * one (sliding the session's expiry to the token's). False when the session is revoked or unknown.
   */
  replaceTokens(sessionId: string, token: NewRefreshToken, at: Date): Promise<boolean>;
  /** Revokes every unrevoked session of the user, except `exceptSessionId`; returns how many. */
  revokeAllForUser(userId: string, at: Date, reason: string, exceptSessionId?: string): Promise<number>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Burns the same work as a real verify, for unknown accounts (no timing oracle). */
  verifyDummy(password: string): Promise<void>;
  /** True when a stored hash was made with weaker parameters than the current ones. */
  needsRehash(hash: string): boolean;
}

/**
 * A corpus of breached passwords (e.g. Have I Been Pwned). Asked only about passwords being
 * chosen. Implementations must not send the password itself anywhere, and answer false when the
 * corpus cannot be reached (fail open: an outage must not stop signups), logging a warning.
 */
export interface BreachedPasswordCheck {
  isBreached(password: string): Promise<boolean>;
}

/** Append-only security log. Newest first; `after` is an exclusive cursor id. */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  list(page: { first: number; after?: string | null; userId?: string | null; type?: AuditEventType | null }): Promise<AuditEvent[]>;
}

/**
 * Attempt budgets. `login_failures` is keyed by normalized email + client IP and counts failures
 * only; the others count every attempt from one IP.
 */
export const RATE_BUCKETS = ["login_failures", "login_ip", "signup_ip", "refresh_ip"] as const;
export type RateBucket = (typeof RATE_BUCKETS)[number];

export interface RateLimiter {
  /** Uses one unit of the budget; throws AuthError TOO_MANY_REQUESTS (with retryAfter) when it is spent. */
  consume(bucket: RateBucket, key: string): Promise<void>;
  /** Throws TOO_MANY_REQUESTS while the budget is spent, without using any of it. */
  assertAvailable(bucket: RateBucket, key: string): Promise<void>;
  /** Forgets the key (a successful login clears its failures). */
  reset(bucket: RateBucket, key: string): Promise<void>;
}
