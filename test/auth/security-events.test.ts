import type { SecurityEvent } from "../../src/auth";
import { authFixture, CLIENT, rejection, viewerOf } from "../support/auth-fixture";
import { FakeTransport } from "../support/fake-transport";

const PASSWORD = "correct horse battery";
type Fixture = ReturnType<typeof authFixture>;

/**
 * Records what the services publish, and what a receiver re-reading the store finds at the moment
 * each event is delivered: events are hints, so the change must already be committed by then.
 */
function record(fx: Fixture) {
  const events: Array<Omit<SecurityEvent, "at"> & { committed: boolean }> = [];
  let passwordChanges = 0;
  fx.events.subscribe((message) => {
    if (message.type === "RESYNC" || message.type === "SIGNING_KEYS_CHANGED") return;
    expect(message.at).toEqual(fx.clock.now());
    if (message.type === "PASSWORD_CHANGED") passwordChanges++;
    const { type, userId, sessionId } = message;
    events.push({ type, userId, sessionId, committed: committed(fx, message, passwordChanges) });
  });
  return { events };
}

function committed(fx: Fixture, event: SecurityEvent, passwordChanges: number): boolean {
  const { sessions, users } = fx.stores;
  const session = event.sessionId ? sessions.sessions.get(event.sessionId) : undefined;
  const user = users.rows.get(event.userId);
  switch (event.type) {
    case "SESSION_CREATED":
      return session !== undefined && session.revokedAt === null;
    case "SESSION_REVOKED":
      if (session) return session.revokedAt !== null;
      return [...sessions.sessions.values()].some((s) => s.userId === event.userId && s.revokedAt !== null);
    case "PASSWORD_CHANGED":
      return user?.credentialVersion === passwordChanges;
    case "ROLE_CHANGED":
      return user?.role === "ADMIN";
  }
}

describe("security events published by the services", () => {
  it("signup and login: SESSION_CREATED for the new session, once committed", async () => {
    const fx = authFixture();
    const { events } = record(fx);
    const pair = await fx.signup();
    const second = await fx.auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, CLIENT);
    await rejection(fx.auth.accounts.login({ email: "ada@example.com", password: "wrong password" }, CLIENT));
    const userId = pair.user.id;
    expect(events).toEqual([
      { type: "SESSION_CREATED", userId, sessionId: pair.sessionId, committed: true },
      { type: "SESSION_CREATED", userId, sessionId: second.sessionId, committed: true },
    ]);
  });

  it("logout (refresh token or bearer) and revokeSession: SESSION_REVOKED for that session, only when it ended", async () => {
    const fx = authFixture();
    const a = await fx.signup();
    const b = await fx.auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, CLIENT);
    const c = await fx.auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, CLIENT);
    const bob = await fx.signup("bob@example.com");
    const viewer = await viewerOf(fx, c.accessToken);
    const { events } = record(fx);
    await fx.auth.sessions.logout(a.refreshToken, null, CLIENT);
    await fx.auth.sessions.logout(a.refreshToken, null, CLIENT); // already ended: nothing new
    await fx.auth.sessions.logout(undefined, (await fx.auth.viewers.authenticate(`Bearer ${b.accessToken}`)).claims, CLIENT);
    await fx.auth.sessions.revoke(viewer, bob.sessionId, CLIENT); // not the viewer's: nothing
    await fx.auth.sessions.revoke(viewer, c.sessionId, CLIENT);
    const userId = a.user.id;
    expect(events).toEqual([
      { type: "SESSION_REVOKED", userId, sessionId: a.sessionId, committed: true },
      { type: "SESSION_REVOKED", userId, sessionId: b.sessionId, committed: true },
      { type: "SESSION_REVOKED", userId, sessionId: c.sessionId, committed: true },
    ]);
  });

  it("logoutAll: one SESSION_REVOKED for every session of the user (sessionId null), however many", async () => {
    const fx = authFixture();
    const pair = await fx.signup();
    for (let i = 0; i < 50; i++) await fx.auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, CLIENT);
    const viewer = await viewerOf(fx, pair.accessToken);
    const { events } = record(fx);
    await expect(fx.auth.sessions.logoutAll(viewer, CLIENT)).resolves.toBe(51);
    await expect(fx.auth.sessions.logoutAll(viewer, CLIENT)).resolves.toBe(0); // nothing left: no event
    expect(events).toEqual([{ type: "SESSION_REVOKED", userId: pair.user.id, sessionId: null, committed: true }]);
  });

  it("refresh-token reuse: SESSION_REVOKED for the family's session", async () => {
    const fx = authFixture({ reuseGraceMs: 1000 });
    const pair = await fx.signup();
    await fx.auth.refresh.refresh(pair.refreshToken, CLIENT);
    const { events } = record(fx);
    fx.clock.advance(2000);
    expect((await rejection(fx.auth.refresh.refresh(pair.refreshToken, CLIENT))).code).toBe("REFRESH_TOKEN_REUSED");
    expect(events).toEqual([{ type: "SESSION_REVOKED", userId: pair.user.id, sessionId: pair.sessionId, committed: true }]);
  });

  it("changePassword: SESSION_REVOKED (null) when other sessions ended, then PASSWORD_CHANGED; nothing when refused", async () => {
    const fx = authFixture();
    const current = await fx.signup();
    const viewer = await viewerOf(fx, current.accessToken);
    const { events } = record(fx);
    const wrong = { currentPassword: "wrong password", newPassword: "a brand new password" };
    await rejection(fx.auth.passwords.changePassword(viewer, wrong, CLIENT));
    expect(events).toEqual([]);
    const first = await fx.auth.passwords.changePassword(viewer, { currentPassword: PASSWORD, newPassword: "a brand new password" }, CLIENT);
    await fx.auth.accounts.login({ email: "ada@example.com", password: "a brand new password" }, CLIENT);
    const again = { currentPassword: "a brand new password", newPassword: "yet another password" };
    await fx.auth.passwords.changePassword(await viewerOf(fx, first.accessToken), again, CLIENT);
    const userId = current.user.id;
    expect(events.map(({ type, sessionId, committed }) => ({ type, sessionId, committed }))).toEqual([
      { type: "PASSWORD_CHANGED", sessionId: null, committed: true }, // no other session to end
      { type: "SESSION_CREATED", sessionId: expect.any(String), committed: true },
      { type: "SESSION_REVOKED", sessionId: null, committed: true },
      { type: "PASSWORD_CHANGED", sessionId: null, committed: true },
    ]);
    expect(events.every((e) => e.userId === userId)).toBe(true);
  });

  it("setUserRole and the bootstrap admin's promotion: ROLE_CHANGED for every session of the user", async () => {
    const fx = authFixture();
    const admin = await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password 1" });
    const ada = await fx.signup();
    const bob = await fx.signup("bob@example.com");
    const { events } = record(fx);
    await fx.auth.admin.setRole({ userId: admin.user.id, client: CLIENT }, ada.user.id, "ADMIN");
    await rejection(fx.auth.admin.setRole({ userId: admin.user.id, client: CLIENT }, "00000000-0000-4000-8000-000000000000", "ADMIN"));
    await fx.auth.accounts.ensureAdmin({ email: "bob@example.com", password: "admin password 1" });
    expect(events).toEqual([
      { type: "ROLE_CHANGED", userId: ada.user.id, sessionId: null, committed: true },
      { type: "ROLE_CHANGED", userId: bob.user.id, sessionId: null, committed: true },
    ]);
  });

  it("a listener that throws neither fails the change nor keeps the others from hearing of it", async () => {
    const fx = authFixture();
    const pair = await fx.signup();
    fx.events.subscribe(() => {
      throw new Error("faulty listener");
    });
    const { events } = record(fx);
    await expect(fx.auth.sessions.logout(pair.refreshToken, null, CLIENT)).resolves.toBe(true);
    expect(events).toHaveLength(1);
  });

});

describe("the session cache follows events from other instances", () => {
  /** A session cached as live, then revoked in the store behind this instance's back. */
  async function revokedElsewhere() {
    const transport = new FakeTransport();
    const fx = authFixture({ transport });
    const pair = await fx.signup();
    await viewerOf(fx, pair.accessToken);
    await fx.stores.sessions.revoke(pair.sessionId, pair.user.id, fx.clock.now(), "elsewhere");
    const reason = async () => (await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).reason;
    expect(await reason()).toBeNull(); // still cached: the TTL alone would take up to 1 s
    return { fx, pair, reason, transport };
  }

  const fromElsewhere = (type: SecurityEvent["type"], userId: string, sessionId: string | null) =>
    JSON.stringify({ v: 1, origin: "another-instance", type, userId, sessionId, at: 0 });

  it("SESSION_REVOKED for the session drops it at once", async () => {
    const { pair, reason, transport } = await revokedElsewhere();
    transport.receive(fromElsewhere("SESSION_REVOKED", pair.user.id, pair.sessionId));
    expect(await reason()).toBe("SESSION_REVOKED");
  });

  it("an event for a whole user (sessionId null) drops every session of that user", async () => {
    const { pair, reason, transport } = await revokedElsewhere();
    transport.receive(fromElsewhere("SESSION_REVOKED", "someone-else", null));
    expect(await reason()).toBeNull();
    transport.receive(fromElsewhere("ROLE_CHANGED", pair.user.id, null));
    expect(await reason()).toBe("SESSION_REVOKED");
  });

  it("auth.events listeners run after the cache dropped the entry, so re-reading through auth.viewers is fresh", async () => {
    const { fx, pair, transport } = await revokedElsewhere();
    const seen: Array<string | null> = [];
    const unsubscribe = fx.auth.events.subscribe((message) => {
      if (message.type === "RESYNC") return;
      // What a websocket subscription does: re-check its viewer, synchronously starting the read.
      void fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`).then((state) => seen.push(state.reason));
    });
    transport.receive(fromElsewhere("SESSION_REVOKED", pair.user.id, pair.sessionId));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["SESSION_REVOKED"]);
    unsubscribe();
    transport.receive(fromElsewhere("SESSION_REVOKED", pair.user.id, pair.sessionId));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(1);
  });

  it("RESYNC (the transport reconnected) drops everything", async () => {
    const { reason, transport } = await revokedElsewhere();
    transport.receive(fromElsewhere("SESSION_CREATED", "someone-else", "another-session"));
    expect(await reason()).toBeNull();
    transport.resync();
    expect(await reason()).toBe("SESSION_REVOKED");
  });
});
