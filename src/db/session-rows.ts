import type { RefreshTokenRecord, SessionRecord } from "../auth/types";
import { Prisma } from "./generated/prisma/client";
import { epochMs, fromEpochMs } from "./epoch-ms";

/** A sessions row as SESSION_COLUMNS returns it (timestamps as epoch ms; see epoch-ms.ts). */
export interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  absolute_expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
  ip: string | null;
  credential_version: number;
}

export interface RefreshTokenRow {
  id: string;
  token_hash: string;
  session_id: string;
  parent_id: string | null;
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

/** Same columns as SESSION_RECORD: the revocation reason stays out. */
export const SESSION_COLUMNS = Prisma.sql`
  id::text AS id, user_id::text AS user_id, ${epochMs("created_at")} AS created_at,
  ${epochMs("last_used_at")} AS last_used_at, ${epochMs("expires_at")} AS expires_at,
  ${epochMs("absolute_expires_at")} AS absolute_expires_at, ${epochMs("revoked_at")} AS revoked_at,
  user_agent, ip, credential_version`;

export const REFRESH_TOKEN_COLUMNS = Prisma.sql`
  id::text AS id, token_hash, session_id::text AS session_id, parent_id::text AS parent_id,
  ${epochMs("created_at")} AS created_at, ${epochMs("expires_at")} AS expires_at,
  ${epochMs("rotated_at")} AS rotated_at, ${epochMs("revoked_at")} AS revoked_at`;

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: fromEpochMs(row.created_at),
    lastUsedAt: fromEpochMs(row.last_used_at),
    expiresAt: fromEpochMs(row.expires_at),
    absoluteExpiresAt: fromEpochMs(row.absolute_expires_at),
    revokedAt: fromEpochMs(row.revoked_at),
    userAgent: row.user_agent,
    ip: row.ip,
    credentialVersion: row.credential_version,
  };
}

export function toRefreshTokenRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    sessionId: row.session_id,
    parentId: row.parent_id,
    createdAt: fromEpochMs(row.created_at),
    expiresAt: fromEpochMs(row.expires_at),
    rotatedAt: fromEpochMs(row.rotated_at),
    revokedAt: fromEpochMs(row.revoked_at),
  };
}
