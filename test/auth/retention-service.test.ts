import { randomUUID } from "node:crypto";
import { authFixture, CLIENT } from "../support/auth-fixture";

const DAY = 86400_000;

describe("RetentionService (fixed clock)", () => {
  it("deletes ended sessions and tokens past SESSION_RETENTION, audit events past AUDIT_RETENTION, nothing younger", async () => {
    const fx = authFixture({ refreshTokenTtlMs: 60 * DAY });
    const kept = await fx.signup("kept@example.com");
    const loggedOut = await fx.auth.accounts.login({ email: "kept@example.com", password: "correct horse battery" }, CLIENT);
    await fx.auth.sessions.logout(loggedOut.refreshToken, null, CLIENT);
    const idle = await fx.signup("idle@example.com"); // never refreshed: expires on day 60
    const day0Events = fx.audit.events.length;

    // Day 40: the logout (day 0) is 40 days old, past the 30-day retention, and so are the two
    // signups' verification links (expired on day 1); nothing else has ended.
    fx.clock.advance(40 * DAY);
    await fx.auth.refresh.refresh(kept.refreshToken, CLIENT); // kept's first token is now rotated; its child lives to day 100
    expect(await fx.auth.maintenance.retention.run()).toEqual({ sessions: 1, refreshTokens: 0, auditEvents: 0, accountTokens: 2, mail: 0 });
    expect([...fx.stores.sessions.sessions.keys()].sort()).toEqual([kept.sessionId, idle.sessionId].sort());

    // Day 95: idle expired on day 60 and kept's first token too (35 days ago); the day-0 events are 95 days old.
    fx.clock.advance(55 * DAY);
    expect(await fx.auth.maintenance.retention.run()).toEqual({ sessions: 1, refreshTokens: 1, auditEvents: day0Events, accountTokens: 0, mail: 0 });
    expect([...fx.stores.sessions.sessions.keys()]).toEqual([kept.sessionId]);
    expect([...fx.stores.sessions.tokens.values()].map((t) => t.sessionId)).toEqual([kept.sessionId]);
    expect(fx.audit.events.map((e) => e.type)).toEqual(["refresh_rotated"]);
  });

  it("deletes in batches (2 rows each here) until none is left", async () => {
    const fx = authFixture();
    for (let i = 0; i < 7; i++) {
      await fx.audit.record({ id: randomUUID(), type: "signup", userId: null, sessionId: null, ip: null, userAgent: null, requestId: null, detail: null, createdAt: fx.clock.now() });
    }
    fx.clock.advance(91 * DAY);
    // The fixture deletes 2 rows per batch; the cap is far away.
    expect((await fx.auth.maintenance.retention.run())?.auditEvents).toBe(7);
    expect(fx.audit.events).toEqual([]);
  });

  it("does nothing while another run holds the lock", async () => {
    const fx = authFixture();
    let release!: () => void;
    const first = fx.stores.retention.exclusively(() => new Promise<void>((resolve) => (release = resolve)));
    expect(await fx.auth.maintenance.retention.run()).toBeNull();
    release();
    await first;
  });
});
