import { ROLES, type Role, type UserRecord, type UserWithPassword } from "../auth/types";
import { Prisma } from "./generated/prisma/client";
import { epochMs, fromEpochMs } from "./epoch-ms";

/** A users row as the raw SELECTs below return it (timestamps as epoch ms; see epoch-ms.ts). */
export interface UserRow {
  id: string;
  email: string;
  role: string;
  credential_version: number;
  created_at: number;
  email_verified: boolean;
  disabled: boolean;
}

export interface UserWithPasswordRow extends UserRow {
  password_hash: string;
}

/**
 * Same fields as USER_PUBLIC: password hashes stay out of rows that must not carry them. The two
 * timestamps are reduced to the flags the core reads; when they happened stays in the database.
 */
export const USER_COLUMNS = Prisma.sql`id::text AS id, email, role::text AS role, credential_version, ${epochMs("created_at")} AS created_at,
  email_verified_at IS NOT NULL AS email_verified, disabled_at IS NOT NULL AS disabled`;

export const USER_WITH_PASSWORD_COLUMNS = Prisma.sql`${USER_COLUMNS}, password_hash`;

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: toRole(row.role),
    credentialVersion: row.credential_version,
    createdAt: fromEpochMs(row.created_at),
    emailVerified: row.email_verified,
    disabled: row.disabled,
  };
}

export function toUserWithPassword(row: UserWithPasswordRow): UserWithPassword {
  return { ...toUserRecord(row), passwordHash: row.password_hash };
}

/** Authorization must never guess a role: an unknown enum value means schema drift, so fail loudly. */
export function toRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new Error(`Unknown role "${value}" in users.role; the database schema is ahead of this code.`);
  return role;
}
