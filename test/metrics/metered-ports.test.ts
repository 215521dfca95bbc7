import { Registry } from "prom-client";
import { AuthError, type AuditEvent, type AuditEventType, type AuditLog, type RateLimiter } from "../../src/auth";
import { meteredAuditLog, meteredRateLimiter } from "../../src/metrics";
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
