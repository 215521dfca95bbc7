import { authFixture, rejection, CLIENT } from "../support/auth-fixture";

describe("SessionService", () => {
  it("logout with a refresh token revokes that session; unknown tokens still answer true", async () => {
    const { auth, signup } = authFixture();
    const pair = await signup();
    await expect(auth.sessions.logout(pair.refreshToken, null, CLIENT)).resolves.toBe(true);
    expect((await auth.viewers.resolve(`Bearer ${pair.accessToken}`)).reason).toBe("SESSION_REVOKED");
    await expect(auth.sessions.logout(pair.refreshToken, null, CLIENT)).resolves.toBe(true);
    await expect(auth.sessions.logout("B".repeat(43), null, CLIENT)).resolves.toBe(true);
    await expect(auth.sessions.logout("garbage", null, CLIENT)).resolves.toBe(true);
  });

  it("logout without a refresh token ends the bearer token's session, even once it has expired", async () => {
    const { auth, signup, clock } = authFixture();
    const pair = await signup();
    clock.advance(3600_000);
    expect((await auth.viewers.resolve(`Bearer ${pair.accessToken}`)).reason).toBe("TOKEN_EXPIRED");
    await auth.sessions.logout(undefined, (await auth.viewers.authenticate(`Bearer ${pair.accessToken}`)).claims, CLIENT);
    expect((await rejection(auth.refresh.refresh(pair.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
  });

  it("logoutAll revokes every session of the viewer and reports how many", async () => {
    const { auth, signup, client } = authFixture();
    const a = await signup();
    await auth.accounts.login({ email: "ada@example.com", password: "correct horse battery" }, client);
    const other = await signup("bob@example.com");
    const viewer = (await auth.viewers.resolve(`Bearer ${a.accessToken}`)).viewer;
    if (!viewer) throw new Error("expected a viewer");
    await expect(auth.sessions.logoutAll(viewer, CLIENT)).resolves.toBe(2);
    expect((await auth.viewers.resolve(`Bearer ${a.accessToken}`)).reason).toBe("SESSION_REVOKED");
    expect((await auth.viewers.resolve(`Bearer ${other.accessToken}`)).viewer?.user.email).toBe("bob@example.com");
  });

  it("revoke touches only the viewer's own sessions", async () => {
    const { auth, signup } = authFixture();
    const ada = await signup();
    const bob = await signup("bob@example.com");
    const viewer = (await auth.viewers.resolve(`Bearer ${ada.accessToken}`)).viewer;
    if (!viewer) throw new Error("expected a viewer");
    await expect(auth.sessions.revoke(viewer, bob.sessionId, CLIENT)).resolves.toBe(false);
    expect((await auth.viewers.resolve(`Bearer ${bob.accessToken}`)).viewer).not.toBeNull();
    await expect(auth.sessions.revoke(viewer, ada.sessionId, CLIENT)).resolves.toBe(true);
    await expect(auth.sessions.revoke(viewer, ada.sessionId, CLIENT)).resolves.toBe(false);
    expect((await rejection(auth.sessions.revoke(viewer, "not-a-uuid", CLIENT))).code).toBe("BAD_USER_INPUT");
  });

  it("lists active sessions and marks the current one", async () => {
    const { auth, signup, client, clock } = authFixture();
    const a = await signup();
    clock.advance(1000);
    const b = await auth.accounts.login({ email: "ada@example.com", password: "correct horse battery" }, client);
    const viewer = (await auth.viewers.resolve(`Bearer ${a.accessToken}`)).viewer;
    if (!viewer) throw new Error("expected a viewer");
    const sessions = await auth.sessions.list(viewer);
    expect(sessions.map((s) => [s.id, s.current])).toEqual([
      [b.sessionId, false],
      [a.sessionId, true],
    ]);
    expect(sessions[0]).toMatchObject({ userAgent: "jest", ip: "127.0.0.1" });
  });
});
