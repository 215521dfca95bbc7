import type { SessionState } from "../auth/types";
import { epochMs, fromEpochMs } from "./epoch-ms";
import type { PrismaClient } from "./generated/prisma/client";
import { toSessionRecord, type SessionRow } from "./session-rows";
import { toRole } from "./user-rows";

/** Timestamps arrive as epoch milliseconds; see epoch-ms.ts for why. */
interface StateRow extends SessionRow {
  email: string;
  role: string;
  user_created_at: number;
}

/**
 * The per-request access check: session liveness and the user's *current* role in one round
 * trip. Raw SQL because Prisma without the relationJoins preview loads a relation with a second query.
 */
export async function querySessionState(prisma: PrismaClient, sessionId: string): Promise<SessionState | null> {
  const [row] = await prisma.$queryRaw<StateRow[]>`
    SELECT s.id::text, s.user_id::text, ${epochMs("s.created_at")} AS created_at,
           ${epochMs("s.last_used_at")} AS last_used_at, ${epochMs("s.expires_at")} AS expires_at,
           ${epochMs("s.absolute_expires_at")} AS absolute_expires_at,
           ${epochMs("s.revoked_at")} AS revoked_at, s.user_agent, s.ip,
           u.email, u.role::text AS role, ${epochMs("u.created_at")} AS user_created_at
      FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = ${sessionId}::uuid`;
  if (!row) return null;
  return {
    session: toSessionRecord(row),
    user: { id: row.user_id, email: row.email, role: toRole(row.role), createdAt: fromEpochMs(row.user_created_at) },
  };
}
