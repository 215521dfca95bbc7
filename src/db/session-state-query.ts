import type { SessionRecord, SessionState } from "../auth/types";
import { epochMs, fromEpochMs } from "./epoch-ms";
import { Prisma, type PrismaClient } from "./generated/prisma/client";
import type { HotSql } from "./hot-sql";
import { SESSION_COLUMNS, toSessionRecord, type SessionRow } from "./session-rows";
import { toRole } from "./user-rows";

/** Timestamps arrive as epoch milliseconds; see epoch-ms.ts for why. */
interface StateRow extends SessionRow {
  email: string;
  role: string;
  user_credential_version: number;
  user_created_at: number;
  user_email_verified: boolean;
  user_disabled: boolean;
}

/**
 * The per-request access check: session liveness and the user's *current* role in one round
 * trip. Raw SQL because Prisma without the relationJoins preview loads a relation with a second query.
 */
export async function querySessionState(hot: HotSql, sessionId: string): Promise<SessionState | null> {
  const [row] = await hot.rows<StateRow>(sessionStateRead(sessionId));
  if (!row) return null;
  return {
    session: toSessionRecord(row),
    user: {
      id: row.user_id,
      email: row.email,
      role: toRole(row.role),
      credentialVersion: row.user_credential_version,
      createdAt: fromEpochMs(row.user_created_at),
      emailVerified: row.user_email_verified,
      disabled: row.user_disabled,
    },
  };
}

/** The statement of querySessionState (exported for the scale bench's EXPLAIN). */
export function sessionStateRead(sessionId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT s.id::text, s.user_id::text, ${epochMs("s.created_at")} AS created_at,
           ${epochMs("s.last_used_at")} AS last_used_at, ${epochMs("s.expires_at")} AS expires_at,
           ${epochMs("s.absolute_expires_at")} AS absolute_expires_at,
           ${epochMs("s.revoked_at")} AS revoked_at, s.user_agent, s.ip, s.credential_version,
           u.email, u.role::text AS role, u.credential_version AS user_credential_version,
           ${epochMs("u.created_at")} AS user_created_at,
           u.email_verified_at IS NOT NULL AS user_email_verified, u.disabled_at IS NOT NULL AS user_disabled
      FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = ${sessionId}::uuid`;
}

/**
 * A user's live sessions, most recently used first. The WHERE clause is isSessionLive
 * (src/auth/session-liveness.ts) in SQL: keep the two in step. A disabled user's version reads
 * as NULL, which equals nothing.
 */
export async function queryLiveSessions(prisma: PrismaClient, userId: string, now: Date): Promise<SessionRecord[]> {
  const rows = await prisma.$queryRaw<SessionRow[]>`
    SELECT ${SESSION_COLUMNS} FROM sessions
     WHERE user_id = ${userId}::uuid AND revoked_at IS NULL
       AND expires_at > ${now}::timestamptz AND absolute_expires_at > ${now}::timestamptz
       AND credential_version = (SELECT credential_version FROM users WHERE id = ${userId}::uuid AND disabled_at IS NULL)
     ORDER BY last_used_at DESC, id DESC`;
  return rows.map(toSessionRecord);
}
