import type { PrismaClient } from "./generated/prisma/client";

/**
 * How many sessions of every user are live at `now`: the WHERE clause of queryLiveSessions
 * (isSessionLive in SQL) without the user filter; keep them in step. For metrics: a scan of the
 * unexpired sessions, so callers cache it (src/metrics/live-gauges.ts).
 */
export async function countLiveSessions(prisma: PrismaClient, now: Date): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ count: bigint }>>`
    SELECT count(*) AS count FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.revoked_at IS NULL AND u.disabled_at IS NULL
       AND s.expires_at > ${now}::timestamptz AND s.absolute_expires_at > ${now}::timestamptz
       AND s.credential_version = u.credential_version`;
  return Number(row?.count ?? 0);
}
