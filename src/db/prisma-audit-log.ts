import type { AuditLog } from "../auth/ports";
import { AUDIT_EVENT_TYPES, type AuditDetail, type AuditEvent, type AuditEventType } from "../auth/types";
import type { Prisma, PrismaClient } from "./generated/prisma/client";
import { isUuid } from "../auth";

type Row = Prisma.AuditEventGetPayload<object>;

export class PrismaAuditLog implements AuditLog {
  constructor(private readonly prisma: PrismaClient) {}

  async record(event: AuditEvent): Promise<void> {
    const { detail, ...rest } = event;
    await this.prisma.auditEvent.create({ data: { ...rest, ...(detail ? { detail } : {}) } });
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
