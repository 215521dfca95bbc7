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
  createdAt: Date;
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

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
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
