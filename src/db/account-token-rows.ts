import { ACCOUNT_TOKEN_PURPOSES, type AccountTokenPurpose, type AccountTokenRecord } from "../auth/account-token-records";
import { Prisma } from "./generated/prisma/client";
import { epochMs, fromEpochMs } from "./epoch-ms";
import { toRole } from "./user-rows";

/** An account_tokens row as ACCOUNT_TOKEN_COLUMNS returns it (timestamps as epoch ms; see epoch-ms.ts). */
export interface AccountTokenRow {
  id: string;
  token_hash: string;
  purpose: string;
  user_id: string | null;
  email: string;
  role: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  superseded_at: number | null;
}

export const ACCOUNT_TOKEN_COLUMNS = Prisma.sql`
  id::text AS id, token_hash, purpose, user_id::text AS user_id, email, role::text AS role,
  ${epochMs("created_at")} AS created_at, ${epochMs("expires_at")} AS expires_at,
  ${epochMs("used_at")} AS used_at, ${epochMs("superseded_at")} AS superseded_at`;

export function toAccountTokenRecord(row: AccountTokenRow): AccountTokenRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    purpose: toPurpose(row.purpose),
    userId: row.user_id,
    email: row.email,
    role: row.role === null ? null : toRole(row.role),
    createdAt: fromEpochMs(row.created_at),
    expiresAt: fromEpochMs(row.expires_at),
    usedAt: fromEpochMs(row.used_at),
    supersededAt: fromEpochMs(row.superseded_at),
  };
}

/** The CHECK constraint allows only known purposes; anything else is schema drift, so fail loudly. */
function toPurpose(value: string): AccountTokenPurpose {
  const purpose = ACCOUNT_TOKEN_PURPOSES.find((p) => p === value);
  if (!purpose) throw new Error(`Unknown purpose "${value}" in account_tokens.purpose; the database schema is ahead of this code.`);
  return purpose;
}
