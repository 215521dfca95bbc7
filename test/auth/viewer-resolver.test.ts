import { authFixture, CLIENT } from "../support/auth-fixture";

describe("ViewerResolver", () => {
  it.each([
    ["no header", undefined, "TOKEN_MISSING"],
    ["empty header", "", "TOKEN_MISSING"],
    ["wrong scheme", "Basic abc", "TOKEN_INVALID"],
    ["bearer without token", "Bearer ", "TOKEN_INVALID"],
    ["garbage token", "Bearer abc.def.ghi", "TOKEN_INVALID"],
  ])("returns, never throws, for %s", async (_name, header, reason) => {
    const { auth } = authFixture();
    await expect(auth.viewers.resolve(header)).resolves.toEqual({ viewer: null, reason });
  });

  it("resolves a live session to the viewer", async () => {
    const { auth, signup } = authFixture();
    const pair = await signup();
    const state = await auth.viewers.resolve(`bearer ${pair.accessToken}`);
    expect(state.viewer).toEqual({ user: pair.user, sessionId: pair.sessionId });
  });

  it("uses the user's current role, seen within the cache TTL even when changed behind its back", async () => {
    const { auth, signup, stores, clock } = authFixture();
    const pair = await signup();
    await auth.viewers.resolve(`Bearer ${pair.accessToken}`);
    // Another instance promotes the user: this process only sees it once the 1 s cache entry ages out.
    await stores.users.setRole(pair.user.id, "ADMIN", clock.now());
    expect((await auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer?.user.role).toBe("USER");
    clock.advance(1000);
    expect((await auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer?.user.role).toBe("ADMIN");
  });

  it("applies a role change made through this instance immediately", async () => {
    const { auth, signup } = authFixture();
    const admin = await auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password" });
    const pair = await signup();
    await auth.viewers.resolve(`Bearer ${pair.accessToken}`);
    const actor = { userId: admin.user.id, client: CLIENT };
    await auth.admin.setRole(actor, pair.user.id, "ADMIN");
    expect((await auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer?.user.role).toBe("ADMIN");
  });

  it("reports SESSION_REVOKED for a session revoked elsewhere once the cache entry ages out", async () => {
    const { auth, signup, stores, clock } = authFixture();
    const pair = await signup();
    await auth.viewers.resolve(`Bearer ${pair.accessToken}`);
    await stores.sessions.revoke(pair.sessionId, pair.user.id, clock.now(), "test");
    clock.advance(1000);
    expect((await auth.viewers.resolve(`Bearer ${pair.accessToken}`)).reason).toBe("SESSION_REVOKED");
  });

  it("propagates infrastructure failures instead of disguising them as a bad token", async () => {
    const { auth, signup, stores } = authFixture();
    const pair = await signup();
    stores.sessions.findState = () => Promise.reject(new Error("database down"));
    await expect(auth.viewers.resolve(`Bearer ${pair.accessToken}`)).rejects.toThrow("database down");
  });
});
