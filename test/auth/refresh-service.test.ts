import { authFixture, rejection, CLIENT } from "../support/auth-fixture";

describe("RefreshService rotation", () => {
  it("rotates: the presented token is marked rotated and a child in the same session is issued", async () => {
    const { auth, stores, clock, signup } = authFixture();
    const first = await signup();
    clock.advance(60_000);
    const second = await auth.refresh.refresh(first.refreshToken, CLIENT);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const tokens = [...stores.sessions.tokens.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    expect(tokens).toHaveLength(2);
    expect(tokens[0]?.rotatedAt).toEqual(clock.now());
    expect(tokens[1]?.parentId).toBe(tokens[0]?.id);
    expect(tokens[1]?.rotatedAt).toBeNull();
  });

  it("never stores the token itself, only its SHA-256", async () => {
    const { stores, signup } = authFixture();
    const pair = await signup();
    const stored = [...stores.sessions.tokens.values()][0];
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify([...stores.sessions.tokens.values()])).not.toContain(pair.refreshToken);
  });

  it("slides the idle expiry on each rotation but never past the absolute session age", async () => {
    const day = 86400_000;
    const { auth, clock, signup } = authFixture({ refreshTokenTtlMs: 10 * day, sessionMaxAgeMs: 15 * day });
    let pair = await signup();
    expect(pair.refreshTokenExpiresAt.getTime() - clock.now().getTime()).toBe(10 * day);
    clock.advance(9 * day);
    pair = await auth.refresh.refresh(pair.refreshToken, CLIENT);
    // 9 days in: idle would allow day 19, the absolute cap is day 15.
    expect(pair.refreshTokenExpiresAt.getTime() - clock.now().getTime()).toBe(6 * day);
    clock.advance(6 * day);
    expect((await rejection(auth.refresh.refresh(pair.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
  });

  it("rejects an idle-expired token", async () => {
    const { auth, clock, signup } = authFixture({ refreshTokenTtlMs: 3600_000 });
    const pair = await signup();
    clock.advance(3600_000);
    expect((await rejection(auth.refresh.refresh(pair.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
  });

  it.each([["missing", null], ["empty", ""], ["malformed", "x".repeat(10)], ["unknown", "A".repeat(43)]])(
    "rejects a %s token with INVALID_REFRESH_TOKEN",
    async (_name, token) => {
      const { auth } = authFixture();
      expect((await rejection(auth.refresh.refresh(token, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
    },
  );

  it("inside the grace window, reusing a rotated token yields a sibling pair for the same session", async () => {
    const { auth, clock, signup, stores } = authFixture({ reuseGraceMs: 10_000 });
    const first = await signup();
    const a = await auth.refresh.refresh(first.refreshToken, CLIENT);
    clock.advance(9_000);
    const b = await auth.refresh.refresh(first.refreshToken, CLIENT);
    expect(b.sessionId).toBe(first.sessionId);
    expect(b.refreshToken).not.toBe(a.refreshToken);
    // Both tabs stay signed in: each child keeps working.
    await expect(auth.refresh.refresh(a.refreshToken, CLIENT)).resolves.toBeDefined();
    await expect(auth.refresh.refresh(b.refreshToken, CLIENT)).resolves.toBeDefined();
    expect(stores.sessions.sessions.size).toBe(1);
  });

  it("after the grace window, reuse revokes the whole session and every token in it", async () => {
    const { auth, clock, signup, stores } = authFixture({ reuseGraceMs: 10_000 });
    const first = await signup();
    const child = await auth.refresh.refresh(first.refreshToken, CLIENT);
    clock.advance(10_001);
    const error = await rejection(auth.refresh.refresh(first.refreshToken, CLIENT));
    expect(error.code).toBe("REFRESH_TOKEN_REUSED");
    const session = stores.sessions.sessions.get(first.sessionId);
    expect(session?.revokedAt).toEqual(clock.now());
    expect(session?.revokedReason).toBe("refresh_token_reused");
    expect([...stores.sessions.tokens.values()].every((t) => t.revokedAt !== null)).toBe(true);
    expect((await rejection(auth.refresh.refresh(child.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
    const state = await auth.viewers.resolve(`Bearer ${child.accessToken}`);
    expect(state.reason).toBe("SESSION_REVOKED");
  });

  it("a grace of zero treats any second use as reuse", async () => {
    const { auth, clock, signup } = authFixture({ reuseGraceMs: 0 });
    const first = await signup();
    await auth.refresh.refresh(first.refreshToken, CLIENT);
    clock.advance(1);
    expect((await rejection(auth.refresh.refresh(first.refreshToken, CLIENT))).code).toBe("REFRESH_TOKEN_REUSED");
  });

  it("issues access tokens with the user's current role", async () => {
    const { auth, signup, stores, clock } = authFixture();
    const first = await signup();
    await stores.users.setRole(first.user.id, "ADMIN", clock.now());
    const next = await auth.refresh.refresh(first.refreshToken, CLIENT);
    expect(next.user.role).toBe("ADMIN");
  });

  it("concurrent refreshes of one token all land in the same session without losing rows", async () => {
    const { auth, signup, stores } = authFixture();
    const first = await signup();
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.refresh.refresh(first.refreshToken, CLIENT)));
    expect(new Set(results.map((r) => r.sessionId))).toEqual(new Set([first.sessionId]));
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(20);
    expect(stores.sessions.tokens.size).toBe(21);
  });

  it("a first exchange of a live token is one store call with no read; anything else is read and decided", async () => {
    const { auth, clock, signup, stores } = authFixture({ reuseGraceMs: 10_000 });
    const first = await signup();
    const direct = jest.spyOn(stores.sessions, "rotateByHash");
    const read = jest.spyOn(stores.sessions, "findRefreshToken");
    clock.advance(1_000);
    const second = await auth.refresh.refresh(first.refreshToken, CLIENT);
    expect(direct).toHaveBeenCalledTimes(1);
    expect(read).not.toHaveBeenCalled();
    // The same facts the read-and-decide path produces: parent link, capped expiry, one event.
    const child = [...stores.sessions.tokens.values()].find((t) => t.parentId !== null);
    expect(child).toMatchObject({ sessionId: first.sessionId, createdAt: clock.now(), expiresAt: second.refreshTokenExpiresAt });
    expect(stores.audit.events.filter((e) => e.type === "refresh_rotated")).toEqual([
      expect.objectContaining({ userId: first.user.id, sessionId: first.sessionId, detail: { withinGrace: false }, ip: CLIENT.ip }),
    ]);
    // Within grace: refused directly, then read, decided a sibling and written conditionally.
    const rotate = jest.spyOn(stores.sessions, "rotate");
    const sibling = await auth.refresh.refresh(first.refreshToken, CLIENT);
    expect(direct).toHaveBeenCalledTimes(2);
    expect(read).toHaveBeenCalledTimes(1);
    expect(rotate).toHaveBeenCalledTimes(1);
    expect(sibling.sessionId).toBe(first.sessionId);
    expect(stores.audit.events.filter((e) => e.type === "refresh_rotated").map((e) => e.detail)).toEqual([{ withinGrace: false }, { withinGrace: true }]);
  });

  it("a rotation lost between its read and its write is decided again on a fresh read: a sibling, not an error", async () => {
    const { auth, signup, stores } = authFixture();
    const first = await signup();
    // The read-and-decide path, as after the one-statement rotation found the token already rotated.
    jest.spyOn(stores.sessions, "rotateByHash").mockResolvedValue(null);
    const rotate = stores.sessions.rotate.bind(stores.sessions);
    let raced = false;
    // The first conditional write loses to a rival rotation that commits in between.
    jest.spyOn(stores.sessions, "rotate").mockImplementation(async (write) => {
      if (!raced) {
        raced = true;
        await auth.refresh.refresh(first.refreshToken, CLIENT);
      }
      return rotate(write);
    });
    const locked = jest.spyOn(stores.sessions, "withLockedRefreshToken");
    const pair = await auth.refresh.refresh(first.refreshToken, CLIENT);
    expect(pair.sessionId).toBe(first.sessionId);
    expect(stores.sessions.tokens.size).toBe(3);
    expect(locked).not.toHaveBeenCalled();
  });

  it("a rotation that keeps losing its race, and a reuse, are decided under the lock", async () => {
    const { auth, clock, signup, stores } = authFixture({ reuseGraceMs: 10_000 });
    const first = await signup();
    const locked = jest.spyOn(stores.sessions, "withLockedRefreshToken");
    const direct = jest.spyOn(stores.sessions, "rotateByHash").mockResolvedValue(null);
    const rotate = jest.spyOn(stores.sessions, "rotate").mockResolvedValue(false);
    const second = await auth.refresh.refresh(first.refreshToken, CLIENT);
    expect(rotate).toHaveBeenCalledTimes(3);
    expect(locked).toHaveBeenCalledTimes(1);
    expect(second.sessionId).toBe(first.sessionId);
    rotate.mockRestore();
    direct.mockRestore();
    clock.advance(11_000);
    expect((await rejection(auth.refresh.refresh(first.refreshToken, CLIENT))).code).toBe("REFRESH_TOKEN_REUSED");
    expect(locked).toHaveBeenCalledTimes(2);
    expect([...stores.sessions.sessions.values()][0]?.revokedAt).toEqual(clock.now());
  });
});
