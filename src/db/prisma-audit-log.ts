import type { AuditLog } from "../auth/ports";
import { AUDIT_EVENT_TYPES, type AuditDetail, type AuditEvent, type AuditEventType } from "../auth/types";
import { Prisma, type PrismaClient } from "./generated/prisma/client";
import { AUDIT_COLUMNS, auditValues } from "./audit-rows";
import type { HotSql } from "./hot-sql";
import { isUuid } from "../auth";

type Row = Prisma.AuditEventGetPayload<object>;

function auditRow(event: AuditEvent, detail?: string): Prisma.Sql {
  return Prisma.sql`INSERT INTO audit_events ${AUDIT_COLUMNS} VALUES (${auditValues(event, detail)})`;
}

/** Appends run on the driver (hot-sql.ts): every login and refresh writes one. Reads go through Prisma. */
export class PrismaAuditLog implements AuditLog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hot: HotSql,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    await this.hot.count(auditRow(event));
  }

  /** One statement: concurrent writers (and instances) add their counts instead of overwriting them. */
  async recordOrCount(event: AuditEvent, count: number): Promise<void> {
    const detail = JSON.stringify({ ...event.detail, count });
    await this.hot.count(Prisma.sql`${auditRow(event, detail)}
      ON CONFLICT (id) DO UPDATE SET detail = jsonb_set(
        COALESCE(audit_events.detail, '{}'::jsonb), '{count}',
        to_jsonb(COALESCE((audit_events.detail->>'count')::int, 0) + ${count}::int))`);
  }

  /** Newest first, keyset-paginated on (createdAt, id) so pages stay stable while events arrive. */
  async list(page: { first: number; after?: string | null; userId?: string | null; type?: AuditEventType | null }): Promise<AuditEvent[]> {
    if (page.first < 1 || (page.userId != null && !isUuid(page.userId))) return [];
    const filter: Prisma.AuditEventWhereInput = {
      ...(page.userId ? { userId: page.userId } : {}),
      ...(page.type ? { type: page.type } : {}),
    };
    let cursor: Prisma.AuditEventWhereInput = {};
    if (page.after) {
      const anchor = isUuid(page.after) ? await this.prisma.auditEvent.findUnique({ where: { id: page.after } }) : null;
      if (!anchor) return [];
      cursor = { OR: [{ createdAt: { lt: anchor.createdAt } }, { createdAt: anchor.createdAt, id: { lt: anchor.id } }] };
    }
    const rows = await this.prisma.auditEvent.findMany({
      where: { AND: [filter, cursor] },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: page.first,
    });
    return rows.map(toEvent);
  }
}

function toEvent(row: Row): AuditEvent {
  const type = AUDIT_EVENT_TYPES.find((t) => t === row.type);
  // Only this adapter writes the table; an unknown type means someone else did, which is worth a loud failure.
  if (!type) throw new Error(`audit_events row ${row.id} has unknown type "${row.type}"`);
  return { ...row, type, detail: toDetail(row.detail) };
}

function toDetail(value: Prisma.JsonValue): AuditDetail | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const detail: AuditDetail = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || ["string", "number", "boolean"].includes(typeof v)) detail[key] = v as string | number | boolean | null;
  }
  return detail;
}
