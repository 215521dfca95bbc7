import { randomUUID } from "node:crypto";
import type { AuditEvent } from "../../../src/auth/types";
import { at, type GetStores } from "./fixtures";

function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: randomUUID(),
    type: "login_succeeded",
    userId: randomUUID(),
    sessionId: randomUUID(),
    ip: "203.0.113.7",
    userAgent: "contract/1.0",
    requestId: "req-1",
    detail: { reason: "x", count: 2, flag: true, none: null },
    createdAt: at(0),
    ...overrides,
  };
}

export function auditLogContract(stores: GetStores): void {
  describe("AuditLog", () => {
    it("recordOrCount writes an event once and then adds to its detail.count, also concurrently", async () => {
      const e = event({ type: "rate_limited", userId: randomUUID(), detail: { bucket: "login_ip", key: "2001:db8::/64" } });
      await stores().audit.recordOrCount(e, 1);
      expect(await stores().audit.list({ first: 10, userId: e.userId })).toEqual([{ ...e, detail: { bucket: "login_ip", key: "2001:db8::/64", count: 1 } }]);
      await Promise.all(Array.from({ length: 20 }, (_, i) => stores().audit.recordOrCount({ ...e, requestId: `other-${i}` }, 2)));
      const [stored] = await stores().audit.list({ first: 10, userId: e.userId });
      // One row: the first write's facts, every count added up.
      expect(stored).toEqual({ ...e, detail: { bucket: "login_ip", key: "2001:db8::/64", count: 41 } });
    });

    it("stores every field and reads it back unchanged", async () => {
      const e = event({ userId: randomUUID() });
      await stores().audit.record(e);
      expect(await stores().audit.list({ first: 10, userId: e.userId })).toEqual([e]);
      const bare = event({ userId: randomUUID(), sessionId: null, ip: null, userAgent: null, requestId: null, detail: null });
      await stores().audit.record(bare);
      expect(await stores().audit.list({ first: 10, userId: bare.userId })).toEqual([bare]);
    });

    it("lists newest first with a stable keyset cursor, filtered by user and type", async () => {
      const userId = randomUUID();
      // Two events share an instant: the id breaks the tie, so no page repeats or skips one.
      const events = [at(1), at(2), at(2), at(3), at(4)].map((createdAt, i) =>
        event({ userId, createdAt, type: i % 2 ? "logout_all" : "login_failed" }),
      );
      for (const e of events) await stores().audit.record(e);
      const all = await stores().audit.list({ first: 10, userId });
      expect(all.map((e) => e.createdAt.getTime())).toEqual([...events.map((e) => e.createdAt.getTime())].sort((a, b) => b - a));
      const page1 = await stores().audit.list({ first: 2, userId });
      const page2 = await stores().audit.list({ first: 2, userId, after: page1[1]?.id });
      const page3 = await stores().audit.list({ first: 2, userId, after: page2[1]?.id });
      expect([...page1, ...page2, ...page3].map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect((await stores().audit.list({ first: 10, userId, type: "logout_all" })).map((e) => e.type)).toEqual(["logout_all", "logout_all"]);
      expect(await stores().audit.list({ first: 10, userId, after: randomUUID() })).toEqual([]);
    });

    it("rejects a duplicate id", async () => {
      const e = event();
      await stores().audit.record(e);
      await expect(stores().audit.record(e)).rejects.toThrow();
    });
  });
}
