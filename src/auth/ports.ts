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
  /** True when the address was proven on creation (an invite, an admin-created account). */
  emailVerified: boolean;
}

export type PasswordChangeResult =
  | { outcome: "changed"; credentialVersion: number; endedSessions: number }
  | { outcome: "version_moved" }
  | { outcome: "session_ended" };

/** Everything a password change writes, applied in one transaction by UserStore.changePassword. */
export interface PasswordChange {
  userId: string;
  /** The credentialVersion read with the hash that the current password was verified against. */
  expectedVersion: number;
  passwordHash: string;
  at: Date;
  /** The session making the change: it survives, re-keyed with `token` and re-stamped. */
  keep: { sessionId: string; token: NewRefreshToken };
}

/** Every account starts at this credentialVersion; each password change bumps it. */
export const NEW_USER_CREDENTIAL_VERSION = 0;

/** A new user's first session, written with the user (UserStore.create): a signup signed in at once. */
export interface FirstSession {
  /** Stamped with the new user's credentialVersion, whatever `session.credentialVersion` says. */
  session: NewSession;
  token: NewRefreshToken;
  /** When given, written in the same statement (as SessionStore.create writes it). */
  audit?: AuditEvent;
}

export interface UserStore {
  /**
   * Throws AuthError("EMAIL_TAKEN") when the (already normalized) email exists. With `first`, the
   * user's first session, its refresh token and its event are inserted in the same statement:
   * all of them or, on any error, none (no account is left behind without its session).
   */
  create(user: NewUser, first?: FirstSession): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserWithPassword | null>;
  findById(id: string): Promise<UserRecord | null>;
  /** Ordered by (createdAt, id); `after` is an exclusive cursor id. */
  list(page: { first: number; after?: string | null }): Promise<UserRecord[]>;
  /**
   * Null when no such user. Throws AuthError FORBIDDEN (reason LAST_ADMIN) instead of demoting
   * the only ADMIN left; concurrent demotions are serialized, so they cannot both pass that check.
   */
  setRole(id: string, role: Role, at: Date): Promise<UserRecord | null>;
  /**
   * Replaces the hash with one of the *same* password (a parameter upgrade), keeping the version,
   * and only while the version is still `expectedVersion`: a rehash computed from the old password
   * must never overwrite a password changed meanwhile. False when nothing was written.
   */
  rehashPassword(id: string, passwordHash: string, at: Date, expectedVersion: number): Promise<boolean>;
  /**
   * In one transaction, iff the user's credentialVersion is still `expectedVersion`: sets the new
   * hash, bumps the version, revokes every other session of the user, and re-keys `keep` (its
   * other refresh tokens revoked, the new token added, stamped with the new version). Nothing is
   * written when the version moved (another change won) or `keep` is no longer live.
   */
  changePassword(change: PasswordChange): Promise<PasswordChangeResult>;
  /**
   * Disables (ending every session of the user in the same transaction) or enables the account.
   * Null when no such user. Disabling the last enabled ADMIN throws AuthError FORBIDDEN
   * (LAST_ADMIN), serialized like setRole's check. `endedSessions` counts the sessions it ended.
   */
  setDisabled(id: string, disabled: boolean, at: Date): Promise<{ user: UserRecord; endedSessions: number } | null>;
  /**
   * Deletes the account with its sessions, refresh tokens and mailed tokens in one transaction,
   * and strips its audit events down to the pseudonymous user id (ip, user agent and any email in
   * their detail erased). False when no such user. Deleting the last enabled ADMIN throws
   * AuthError FORBIDDEN (LAST_ADMIN). `expectedVersion`, when given, must still be the user's
   * credentialVersion (the password just verified is still theirs), else nothing is deleted
   * and the result is "version_moved".
   */
  delete(id: string, at: Date, expectedVersion?: number): Promise<"deleted" | "not_found" | "version_moved">;
}

export type NewSession = Omit<SessionRecord, "revokedAt">;
export type NewRefreshToken = Omit<RefreshTokenRecord, "rotatedAt" | "revokedAt">;

export interface LockedRefreshToken {
  token: RefreshTokenRecord;
  session: SessionRecord;
  /** The session's user as of this read, so the new access token carries the current role. */
  user: UserRecord;
}

/**
 * A rotation decided on an unlocked read (SessionStore.findRefreshToken): mark the presented token
 * rotated (or, within the grace window, leave it rotated), insert `child`, and slide the session's
 * idle expiry to the child's.
 */
export interface RotationWrite {
  /** What the decision was made on. */
  read: LockedRefreshToken;
  /** True when the token was unrotated as read and this marks it; false for a sibling of a rotated one. */
  marksRotation: boolean;
  child: NewRefreshToken;
  at: Date;
  /** Written in the same statement, so a rotation is never applied without it (nor it without one). */
  audit: AuditEvent;
}

/**
 * The common refresh in one statement (SessionStore.rotateByHash): the presented token is found by
 * its hash and rotated only if it is exactly what a first exchange needs. Everything the store
 * takes from the token's row (its session, its user, the parent link, the audit event's user and
 * session) is read in the same statement that writes.
 */
export interface DirectRotation {
  tokenHash: string;
  at: Date;
  /** The child's own parts; its session, parent and expiry come from the presented token's row. */
  child: Pick<NewRefreshToken, "id" | "tokenHash"> & {
    /** The child expires at this idle expiry or at its session's absolute expiry, whichever is first. */
    idleExpiresAt: Date;
  };
  /** Written in the same statement, with the token's user and session filled in. */
  audit: Omit<AuditEvent, "userId" | "sessionId">;
}

/** A DirectRotation that was applied: the child as stored, and its session's user as of the statement. */
export interface DirectlyRotated {
  child: NewRefreshToken;
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
  /**
   * Creates a session together with its first refresh token, atomically, iff the user's
   * credentialVersion still equals `session.credentialVersion` and the user is not disabled.
   * False (nothing written) otherwise: the password this login verified has been changed since,
   * or an admin disabled the account meanwhile. `audit`, when given, is written with the session
   * (the same statement): a session is never opened without its event.
   */
  create(session: NewSession, firstToken: NewRefreshToken, audit?: AuditEvent): Promise<boolean>;
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
  /** The token with this hash, its session and user, read without locks; null when there is none. */
  findRefreshToken(tokenHash: string): Promise<LockedRefreshToken | null>;
  /**
   * Applies `write` atomically (one statement, no transaction held across round trips) if what it
   * was decided on still holds once the session row is locked: the session unrevoked and at the
   * read credentialVersion, its user not disabled and at that version, the token unrevoked and
   * still unrotated (`marksRotation`) or rotated (a sibling). Otherwise writes nothing and answers
   * false, and the caller decides again. Locks session then token, the order revocation writes in.
   */
  rotate(write: RotationWrite): Promise<boolean>;
  /**
   * A first exchange in one statement, with no read before it: applied (and the rotated token's
   * child, event and session slide written, as `rotate` writes them) only when the token with this
   * hash is unrotated, unrevoked and unexpired at `at`, its session live at `at` (isSessionLive)
   * and its user enabled. Null, writing nothing, for everything else (an unknown token, a rotated
   * one, a dead session, a lost race): the caller then reads and decides as before, so this may
   * refuse what could be applied but must never apply what `rotate` would not.
   */
  rotateByHash(rotation: DirectRotation): Promise<DirectlyRotated | null>;
  findState(sessionId: string): Promise<SessionState | null>;
  /**
   * The session of the refresh token with this hash, or null when there is none or that token was
   * revoked: a token a password change retired must not speak for the re-keyed session, not even
   * to end it.
   */
  findByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  /**
   * Live sessions at `now` (see isSessionLive: not revoked, neither idle- nor absolutely expired,
   * stamped with the user's current credentialVersion), most recently used first.
   */
  listActive(userId: string, now: Date): Promise<SessionRecord[]>;
  /** Revokes one session (and its tokens) if it belongs to `userId` and is not yet revoked. */
  revoke(sessionId: string, userId: string, at: Date, reason: string): Promise<boolean>;
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
  /**
   * Coalesced events (one row per rate-limit window): writes `event` with `detail.count = count`
   * if no event has its id yet, otherwise adds `count` to that event's `detail.count`. Atomic, so
   * instances sharing a database add up instead of overwriting each other.
   */
  recordOrCount(event: AuditEvent, count: number): Promise<void>;
  list(page: { first: number; after?: string | null; userId?: string | null; type?: AuditEventType | null }): Promise<AuditEvent[]>;
}

/**
 * Attempt budgets. `login_failures` is keyed by normalized email + client network and
 * `login_account` by normalized email alone (every address together); both count failed
 * password checks. The `_ip` buckets count every attempt from one client network.
 */
export const RATE_BUCKETS = [
  "login_failures",
  "login_account",
  "login_ip",
  "signup_ip",
  "refresh_ip",
  /** Mails a caller can have sent to one address (verification, reset, email change, invite). */
  "mail_address",
  /** Mail-sending requests from one client network. */
  "mail_ip",
  /** Attempts to redeem a mailed token from one client network. */
  "token_ip",
] as const;
export type RateBucket = (typeof RATE_BUCKETS)[number];

export interface BucketLimit {
  /** Units allowed per window. */
  points: number;
  windowSeconds: number;
}

export type RateLimitPolicy = Readonly<Record<RateBucket, BucketLimit>>;

export interface RateLimiter {
  /**
   * Atomically spends one unit (concurrent callers can never both take the last one); throws
   * AuthError TOO_MANY_REQUESTS (with retryAfter) when that unit was over the budget.
   */
  consume(bucket: RateBucket, key: string): Promise<void>;
  /** Gives one unit back: a reservation that turned out not to be what the budget counts. */
  refund(bucket: RateBucket, key: string): Promise<void>;
  /** Forgets the key (a successful login clears its failures). */
  reset(bucket: RateBucket, key: string): Promise<void>;
}

/** Batched deletes of data past its retention; each call deletes at most `limit` rows. */
export interface RetentionBatches {
  deleteAuditEventsBefore(cutoff: Date, limit: number): Promise<number>;
  /** Sessions revoked, or expired, before `cutoff`; their refresh tokens go with them. */
  deleteSessionsEndedBefore(cutoff: Date, limit: number): Promise<number>;
  /** Refresh tokens revoked or expired before `cutoff` (of sessions still kept). */
  deleteRefreshTokensEndedBefore(cutoff: Date, limit: number): Promise<number>;
  /** Mailed tokens used, superseded or expired before `cutoff`. */
  deleteAccountTokensEndedBefore(cutoff: Date, limit: number): Promise<number>;
  /** Outbox mail sent or given up on before `cutoff` (unsent mail is never deleted here). */
  deleteMailDoneBefore(cutoff: Date, limit: number): Promise<number>;
}

export interface RetentionStore {
  /**
   * Runs `work` unless another instance is running it right now (on PostgreSQL an advisory lock
   * decides); resolves false, without running it, when another holds the lock.
   */
  exclusively(work: (batches: RetentionBatches) => Promise<void>): Promise<boolean>;
}
