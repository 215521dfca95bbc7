import type { Role, UserRecord } from "../auth/types";

/**
 * Column selections matching the auth record types exactly. Selecting (rather than mapping after
 * the fact) keeps password hashes and revocation reasons out of rows that must not carry them.
 */
export const USER_PUBLIC = {
  id: true,
  email: true,
  role: true,
  credentialVersion: true,
  createdAt: true,
  emailVerifiedAt: true,
  disabledAt: true,
} as const;

/** A users row as a model query selecting USER_PUBLIC returns it. */
export interface UserPublicRow {
  id: string;
  email: string;
  role: Role;
  credentialVersion: number;
  createdAt: Date;
  emailVerifiedAt: Date | null;
  disabledAt: Date | null;
}

/** The core sees flags; the instants stay in the database for operators. */
export function fromUserPublic(row: UserPublicRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    credentialVersion: row.credentialVersion,
    createdAt: row.createdAt,
    emailVerified: row.emailVerifiedAt !== null,
    disabled: row.disabledAt !== null,
  };
}

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
