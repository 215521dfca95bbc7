export const ROLES = ["USER", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

/** Order matters: a role satisfies every requirement at or below its own rank. */
export function roleSatisfies(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  /** Security stamp: bumped by every credential change; sessions carry the value they were made under. */
  credentialVersion: number;
  createdAt: Date;
  /** The owner proved control of `email` (a verification link, a password reset, an invite). */
  emailVerified: boolean;
  /** Disabled by an admin: no sign-in, no refresh, no use of existing access tokens. */
  disabled: boolean;
}

export interface UserWithPassword extends UserRecord {
  passwordHash: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  /** Idle expiry; slides on every rotation, capped by absoluteExpiresAt. */
  expiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
  ip: string | null;
  /** The user's credentialVersion this session was created (or re-keyed) under; older means dead. */
  credentialVersion: number;
}

export interface RefreshTokenRecord {
  id: string;
  tokenHash: string;
  sessionId: string;
  parentId: string | null;
  createdAt: Date;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

/** What the per-request access check needs: the session's liveness and the user's *current* role. */
export interface SessionState {
  session: SessionRecord;
  user: UserRecord;
}

/** Who is asking: recorded on sessions and audit events. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
  requestId: string | null;
}

export const AUDIT_EVENT_TYPES = [
  "signup",
  "login_succeeded",
  "login_failed",
  "refresh_rotated",
  "refresh_reuse_detected",
  "session_revoked",
  "logout_all",
  "password_changed",
  "role_changed",
  "rate_limited",
  "signing_key_created",
  "signing_key_rotated",
  "signing_key_revoked",
  "signing_key_retired",
  "email_verification_requested",
  "email_verified",
  "password_reset_requested",
  "password_reset",
  "email_change_requested",
  "email_changed",
  "account_deleted",
  "user_disabled",
  "user_enabled",
  "user_sessions_revoked",
  "user_deleted",
  "user_created",
  "invite_created",
  "invite_accepted",
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Small, flat, secret-free facts about an event (never passwords or tokens). */
export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditEvent {
  id: string;
  type: AuditEventType;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  detail: AuditDetail | null;
  createdAt: Date;
}

/** Who acts in an admin operation: a signed-in ADMIN, or the CLI (userId null). */
export interface Actor {
  userId: string | null;
  client: ClientInfo;
}

export interface Viewer {
  user: UserRecord;
  sessionId: string;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: UserRecord;
  sessionId: string;
}
