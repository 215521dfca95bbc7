import { authFixture, CLIENT, rejection } from "../support/auth-fixture";

const PASSWORD = "correct horse battery";

describe("audit trail written by the services", () => {
  it("records each security event with who, where and the request id, and no secrets", async () => {
    const fx = authFixture({ reuseGraceMs: 1000 });
    const { auth, audit, clock } = fx;
    const pair = await fx.signup();
    await rejection(auth.accounts.login({ email: "ada@example.com", password: "wrong password" }, CLIENT));
    await rejection(auth.accounts.login({ email: "nobody@example.com", password: "wrong password" }, CLIENT));
    const second = await auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, CLIENT);
    const rotated = await auth.refresh.refresh(pair.refreshToken, CLIENT);
    clock.advance(2000);
    await rejection(auth.refresh.refresh(pair.refreshToken, CLIENT));
    const viewer = (await auth.viewers.resolve(`Bearer ${second.accessToken}`)).viewer;
    if (!viewer) throw new Error("expected a viewer");
    await auth.sessions.logout(second.refreshToken, null, CLIENT);
    const admin = await auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password" });
    await auth.admin.setRole({ userId: admin.user.id, client: CLIENT }, pair.user.id, "ADMIN");
    const third = await auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, CLIENT);
    const thirdViewer = (await auth.viewers.resolve(`Bearer ${third.accessToken}`)).viewer;
    if (!thirdViewer) throw new Error("expected a viewer");
    await auth.passwords.changePassword(thirdViewer, { currentPassword: PASSWORD, newPassword: "new password 1" }, CLIENT);
    await auth.sessions.logoutAll(thirdViewer, CLIENT);

    expect(audit.events.map((e) => e.type)).toEqual([
      "signup",
      "login_failed",
      "login_failed",
      "login_succeeded",
      "refresh_rotated",
      "refresh_reuse_detected",
      "session_revoked",
      "role_changed",
      "login_succeeded",
      "password_changed",
      "logout_all",
    ]);
    const byType = (t: string) => audit.events.filter((e) => e.type === t);
    expect(byType("signup")[0]).toMatchObject({ userId: pair.user.id, sessionId: pair.sessionId, ...CLIENT });
    expect(byType("login_failed").map((e) => e.detail)).toEqual([
      { reason: "wrong_password" },
      { reason: "unknown_email", email: "nobody@example.com" },
    ]);
    expect(byType("refresh_rotated")[0]).toMatchObject({ sessionId: rotated.sessionId, detail: { withinGrace: false } });
    expect(byType("refresh_reuse_detected")[0]).toMatchObject({ userId: pair.user.id, sessionId: pair.sessionId });
    expect(byType("session_revoked")[0]).toMatchObject({ sessionId: second.sessionId, detail: { reason: "logout" } });
    expect(byType("role_changed")[0]).toMatchObject({ userId: pair.user.id, detail: { role: "ADMIN", actorId: admin.user.id } });
    // Both earlier sessions had already ended (reuse, logout), so the change ended none.
    expect(byType("password_changed")[0]?.detail).toEqual({ endedSessions: 0 });
    const serialized = JSON.stringify(audit.events);
    for (const secret of [PASSWORD, "wrong password", "new password 1", pair.refreshToken, pair.accessToken, second.refreshToken]) {
      expect(serialized).not.toContain(secret);
    }
  });

  it("a failing audit write does not fail the action it records", async () => {
    const fx = authFixture();
    fx.audit.record = () => Promise.reject(new Error("audit table unavailable"));
    await expect(fx.signup()).resolves.toMatchObject({ user: { email: "ada@example.com" } });
    expect(fx.stores.users.rows.size).toBe(1);
    // The signup event is not written through the port: it goes in with the session, atomically.
    expect(fx.audit.events.map((e) => e.type)).toEqual(["signup"]);
  });
});
