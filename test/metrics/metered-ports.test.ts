import { Registry } from "prom-client";
import { AuthError, type AuditEvent, type AuditEventType, type AuditLog, type RateLimiter } from "../../src/auth";
import { meteredAuditLog, meteredRateLimiter, meteredSessionStore } from "../../src/metrics";
import { memoryStores } from "../support/memory-stores";
import { createAuthOutcomes } from "../../src/metrics/auth-outcomes";
import { parsePrometheusText, valueOf } from "../support/prometheus-text";

function event(type: AuditEventType, detail: AuditEvent["detail"] = null): AuditEvent {
  return { id: `${type}-${Math.random()}`, type, userId: null, sessionId: null, ip: null, userAgent: null, requestId: null, detail, createdAt: new Date(0) };
}

function recordingAudit(fail = false): AuditLog & { recorded: AuditEvent[] } {
  const recorded: AuditEvent[] = [];
  return {
    recorded,
    record: async (e) => {
      if (fail) throw new Error("database down");
      recorded.push(e);
    },
    recordOrCount: async (e) => void recorded.push(e),
    list: async () => recorded,
  };
}

async function scrape(registry: Registry) {
  return parsePrometheusText(await registry.metrics());
}

describe("meteredSessionStore", () => {
  it("counts the events a session's statement writes once it applied them, and none it refused", async () => {
    const registry = new Registry();
    const stores = memoryStores();
    const sessions = meteredSessionStore(stores.sessions, createAuthOutcomes(registry));
    const user = await stores.users.create({ id: "5c8a0c4e-0000-4000-8000-000000000001", email: "ada@example.com", passwordHash: "h", role: "USER", createdAt: new Date(0), emailVerified: false });
    const session = (credentialVersion: number) => ({
      id: `5c8a0c4e-0000-4000-8000-00000000000${credentialVersion + 2}`,
      userId: user.id,
      createdAt: new Date(0),
      lastUsedAt: new Date(0),
      expiresAt: new Date(1e12),
      absoluteExpiresAt: new Date(1e12),
      userAgent: null,
      ip: null,
      credentialVersion,
    });
    const token = (sessionId: string, n: number) => ({ id: `5c8a0c4e-0000-4000-8000-00000000001${n}`, tokenHash: String(n).repeat(64), sessionId, parentId: null, createdAt: new Date(0), expiresAt: new Date(1e12) });
    const live = session(0);
    expect(await sessions.create(live, token(live.id, 1), event("login_succeeded"))).toBe(true);
    const stale = session(1);
    expect(await sessions.create(stale, token(stale.id, 2), event("login_succeeded"))).toBe(false);
    const read = await sessions.findRefreshToken("1".repeat(64));
    if (!read) throw new Error("the first token should be readable through the metered store");
    const child = { ...token(live.id, 3), parentId: read.token.id };
    expect(await sessions.rotate({ read, marksRotation: true, child, at: new Date(1), audit: event("refresh_rotated", { withinGrace: false }) })).toBe(true);
    expect(await sessions.rotate({ read, marksRotation: true, child: token(live.id, 4), at: new Date(2), audit: event("refresh_rotated") })).toBe(false);
    // The one-statement rotation of the child: counted once applied, not when refused.
    const { userId: _u, sessionId: _s, ...rotatedEvent } = event("refresh_rotated", { withinGrace: false });
    const direct = (id: string) => ({ tokenHash: "3".repeat(64), at: new Date(3), child: { id, tokenHash: "5".repeat(64), idleExpiresAt: new Date(1e11) }, audit: rotatedEvent });
    expect(await sessions.rotateByHash(direct("5c8a0c4e-0000-4000-8000-000000000015"))).not.toBeNull();
    expect(await sessions.rotateByHash(direct("5c8a0c4e-0000-4000-8000-000000000016"))).toBeNull(); // already rotated
    const samples = await scrape(registry);
    expect(valueOf(samples, "auth_logins_total", { result: "success" })).toBe(1);
    expect(valueOf(samples, "auth_refreshes_total", { result: "rotated" })).toBe(2);
    expect(stores.audit.events.map((e) => e.type)).toEqual(["login_succeeded", "refresh_rotated", "refresh_rotated"]);
  });
});

describe("meteredAuditLog", () => {
  it("counts logins, login failures by reason, re-authentication failures by purpose and refreshes, and still records them", async () => {
    const registry = new Registry();
    const inner = recordingAudit();
    const audit = meteredAuditLog(inner, createAuthOutcomes(registry));
    const events = [
      event("login_succeeded"),
      event("login_failed", { reason: "wrong_password" }),
      event("login_failed", { reason: "unknown_email", email: "ada@example.com" }),
      event("login_failed", { reason: "account_disabled" }),
      event("login_failed", { reason: "something new" }),
      event("login_failed", { reason: "wrong_current_password", purpose: "change_password" }),
      event("login_failed", { reason: "wrong_current_password", purpose: "made_up" }),
      event("refresh_rotated", { withinGrace: false }),
      event("refresh_rotated", { withinGrace: true }),
      event("refresh_reuse_detected"),
      event("signup"),
    ];
    for (const e of events) await audit.record(e);
    expect(inner.recorded).toEqual(events);
    const samples = await scrape(registry);
    const logins = (result: string) => valueOf(samples, "auth_logins_total", { result });
    expect([logins("success"), logins("wrong_password"), logins("unknown_email"), logins("account_disabled"), logins("other")]).toEqual([1, 1, 1, 1, 1]);
    expect(logins("email_not_verified")).toBe(0);
    expect(valueOf(samples, "auth_reauthentication_failures_total", { purpose: "change_password" })).toBe(1);
    expect(valueOf(samples, "auth_reauthentication_failures_total", { purpose: "other" })).toBe(1);
    const refreshes = (result: string) => valueOf(samples, "auth_refreshes_total", { result });
    expect([refreshes("rotated"), refreshes("rotated_in_grace"), refreshes("reuse_detected")]).toEqual([1, 1, 1]);
    // No email or other detail becomes a label.
    expect(JSON.stringify(samples)).not.toContain("ada@example.com");
  });

  it("counts an event whose audit row could not be written: the action happened", async () => {
    const registry = new Registry();
    const audit = meteredAuditLog(recordingAudit(true), createAuthOutcomes(registry));
    await expect(audit.record(event("refresh_reuse_detected"))).rejects.toThrow("database down");
    expect(valueOf(await scrape(registry), "auth_refreshes_total", { result: "reuse_detected" })).toBe(1);
  });

  it("leaves coalesced rate-limit rows to the limiter's counter (they arrive late and in batches)", async () => {
    const registry = new Registry();
    const inner = recordingAudit();
    await meteredAuditLog(inner, createAuthOutcomes(registry)).recordOrCount(event("rate_limited", { bucket: "login_ip", key: "k" }), 40);
    expect(inner.recorded).toHaveLength(1);
    expect(valueOf(await scrape(registry), "auth_rate_limited_total", { bucket: "login_ip" })).toBe(0);
  });
});

describe("meteredRateLimiter", () => {
  function limiter(outcome: "ok" | "refused" | "down"): RateLimiter {
    return {
      consume: async () => {
        if (outcome === "refused") throw new AuthError("TOO_MANY_REQUESTS", "slow down", { retryAfter: 9 });
        if (outcome === "down") throw new Error("redis unreachable");
      },
      refund: async () => undefined,
      reset: async () => undefined,
    };
  }

  it("counts refusals by bucket and passes them on unchanged; a store outage is not a refusal", async () => {
    const registry = new Registry();
    const outcomes = createAuthOutcomes(registry);
    await meteredRateLimiter(limiter("ok"), outcomes).consume("login_ip", "k");
    await expect(meteredRateLimiter(limiter("refused"), outcomes).consume("refresh_ip", "k")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfter: 9 });
    await expect(meteredRateLimiter(limiter("refused"), outcomes).consume("refresh_ip", "k")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(meteredRateLimiter(limiter("down"), outcomes).consume("mail_ip", "k")).rejects.toThrow("redis unreachable");
    const samples = await scrape(registry);
    expect(valueOf(samples, "auth_rate_limited_total", { bucket: "refresh_ip" })).toBe(2);
    expect(valueOf(samples, "auth_rate_limited_total", { bucket: "login_ip" })).toBe(0);
    expect(valueOf(samples, "auth_rate_limited_total", { bucket: "mail_ip" })).toBe(0);
  });
});
