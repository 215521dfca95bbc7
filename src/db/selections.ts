/**
 * Column selections matching the auth record types exactly. Selecting (rather than mapping after
 * the fact) keeps password hashes and revocation reasons out of rows that must not carry them.
 */
export const USER_PUBLIC = { id: true, email: true, role: true, credentialVersion: true, createdAt: true } as const;

export const SESSION_RECORD = {
  id: true,
  userId: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  absoluteExpiresAt: true,
  revokedAt: true,
  userAgent: true,
  ip: true,
  credentialVersion: true,
} as const;
