import type { AuditEvent, AuditEventType, AuditLog } from "../../../src/auth";

export class MemoryAuditLog implements AuditLog {
  events: AuditEvent[] = [];

  async record(event: AuditEvent): Promise<void> {
    this.append(event);
  }

  /**
   * What a store writing an event in the same statement as its action does (a session's, a
   * rotation's): the row goes in with the action, not through this port's `record`.
   */
  append(event: AuditEvent): void {
    if (this.events.some((e) => e.id === event.id)) throw new Error("duplicate audit event id");
    this.events.push({ ...event, detail: event.detail ? { ...event.detail } : null });
  }

  async recordOrCount(event: AuditEvent, count: number): Promise<void> {
    const existing = this.events.find((e) => e.id === event.id);
    if (!existing) {
      this.events.push({ ...event, detail: { ...event.detail, count } });
      return;
    }
    const previous = existing.detail?.count;
    existing.detail = { ...existing.detail, count: (typeof previous === "number" ? previous : 0) + count };
  }

  /** A deleted user's trail keeps the (now pseudonymous) id and loses what identifies a person. */
  scrubUser(userId: string, email: string): void {
    for (const e of this.events) {
      const { email: a, newEmail: b, previousEmail: c, ...rest } = e.detail ?? {};
      if (e.userId === userId) Object.assign(e, { ip: null, userAgent: null, detail: e.detail ? rest : null });
      else if (e.detail && [a, b, c].includes(email)) e.detail = rest;
      else if (e.type === "rate_limited" && (e.detail?.key === email || String(e.detail?.key ?? "").startsWith(`${email}|`))) {
        const { key: _key, ...counted } = e.detail ?? {};
        Object.assign(e, { ip: null, userAgent: null, detail: counted });
      }
    }
  }

  async list(page: { first: number; after?: string | null; userId?: string | null; type?: AuditEventType | null }) {
    const sorted = this.events
      .filter((e) => (page.userId ? e.userId === page.userId : true) && (page.type ? e.type === page.type : true))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    let start = 0;
    if (page.after) {
      const index = sorted.findIndex((e) => e.id === page.after);
      if (index < 0) return [];
      start = index + 1;
    }
    return sorted.slice(start, start + page.first);
  }
}
