import type { AuditEvent, AuditEventType } from "../../src/auth";

/** An audit log in memory, listed as the store lists it: newest first on (createdAt, id), `after` an id. */
export class MemoryAuditEvents {
  readonly events: AuditEvent[] = [];
  calls: Array<{ first: number; after?: string | null; type?: AuditEventType | null; userId?: string | null }> = [];
  private next = 0;

  add(type: AuditEventType, createdAtMs: number, detail: AuditEvent["detail"] = null, userId: string | null = null): AuditEvent {
    this.next += 1;
    const id = `00000000-0000-4000-8000-${String(this.next).padStart(12, "0")}`;
    const event: AuditEvent = { id, type, userId, sessionId: null, ip: null, userAgent: null, requestId: null, detail, createdAt: new Date(createdAtMs) };
    this.events.push(event);
    return event;
  }

  list = async (page: { first: number; after?: string | null; type?: AuditEventType | null; userId?: string | null }): Promise<AuditEvent[]> => {
    this.calls.push(page);
    const sorted = this.events
      .filter((e) => (!page.type || e.type === page.type) && (!page.userId || e.userId === page.userId))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
    const start = page.after ? sorted.findIndex((e) => e.id === page.after) + 1 : 0;
    return sorted.slice(start, start + page.first);
  };
}
