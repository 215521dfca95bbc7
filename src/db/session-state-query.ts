import { ROLES, type Role, type SessionState } from "../auth/types";
import { Prisma, type PrismaClient } from "./generated/prisma/client";

/** Timestamps arrive as epoch milliseconds; see querySessionState for why. */
interface StateRow {
  id: string;
  user_id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  absolute_expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
  ip: string | null;
  email: string;
  role: string;
  user_created_at: number;
}

/**
 * The per-request access check: session liveness and the user's *current* role in one round
 * trip. Raw SQL because Prisma without the relationJoins preview loads a relation with a second query.
 *
 * Timestamps are selected as epoch milliseconds because pglite-prisma-adapter strips the UTC
 * offset from timestamptz text and $queryRaw then parses it in the *host's* time zone: with
 * TZ=Asia/Kolkata every raw Date came back 5.5 h early. Numbers are zone-free on every adapter.
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
    session: {
      id: row.id,
      userId: row.user_id,
      createdAt: new Date(row.created_at),
      lastUsedAt: new Date(row.last_used_at),
      expiresAt: new Date(row.expires_at),
      absoluteExpiresAt: new Date(row.absolute_expires_at),
      revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
      userAgent: row.user_agent,
      ip: row.ip,
    },
    user: { id: row.user_id, email: row.email, role: toRole(row.role), createdAt: new Date(row.user_created_at) },
  };
}

/** Columns are timestamptz(3), so milliseconds are exact; float8 reaches JS as a plain number. */
function epochMs(column: string): Prisma.Sql {
  return Prisma.raw(`(extract(epoch FROM ${column}) * 1000)::float8`);
}

/** Authorization must never guess a role: an unknown enum value means schema drift, so fail loudly. */
function toRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new Error(`Unknown role "${value}" in users.role; the database schema is ahead of this code.`);
  return role;
}
