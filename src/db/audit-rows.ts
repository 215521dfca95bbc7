import type { AuditEvent } from "../auth/types";
import { Prisma } from "./generated/prisma/client";

/** audit_events' columns, in the order auditValues lists them. */
export const AUDIT_COLUMNS = Prisma.sql`(id, type, user_id, session_id, ip, user_agent, request_id, detail, created_at)`;

/**
 * One event's values for AUDIT_COLUMNS, as `VALUES (…)` or a SELECT list (an event written in the
 * same statement as what it records); `detail` is JSON text or null.
 */
export function auditValues(event: AuditEvent, detail: string | null = detailText(event)): Prisma.Sql {
  return ownedAuditValues(event, Prisma.sql`${event.userId}::uuid, ${event.sessionId}::uuid`, detail);
}

/**
 * The same values with the user and session as SQL expressions (`owner`, two of them): for an
 * event whose subject the statement itself finds.
 */
export function ownedAuditValues(
  event: Omit<AuditEvent, "userId" | "sessionId">,
  owner: Prisma.Sql,
  detail: string | null = detailText(event),
): Prisma.Sql {
  return Prisma.sql`${event.id}::uuid, ${event.type}::text, ${owner}, ${event.ip}::text,
    ${event.userAgent}::text, ${event.requestId}::text, ${detail}::jsonb, ${event.createdAt}::timestamptz`;
}

const detailText = (event: Pick<AuditEvent, "detail">): string | null => (event.detail ? JSON.stringify(event.detail) : null);
