import { authFixture, CLIENT, rejection, viewerOf } from "../support/auth-fixture";

const OLD = "correct horse battery";
const NEW = "a brand new password";

/**
 * Holds the next `count` password verifications after they have decided, until released: logins
 * "in flight" between verifying the password and creating their session. Later ones pass.
 */
function holdVerifications(fx: ReturnType<typeof authFixture>, count: number) {
  const verify = fx.hasher.verify.bind(fx.hasher);
  const waiting: Array<() => void> = [];
  fx.hasher.verify = async (hash, password) => {
    const ok = await verify(hash, password);
    if (waiting.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
    return ok;
  };
  return {
    async allHeld() {
      while (waiting.length < count) await new Promise((resolve) => setImmediate(resolve));
      fx.hasher.verify = verify;
    },
    release: () => waiting.forEach((go) => go()),
  };
}

describe("sessions die with the password (credential version)", () => {
  it("logins that verified the old password before the change committed get no session", async () => {
    const fx = authFixture();
    const owner = await fx.signup();
    const viewer = await viewerOf(fx, owner.accessToken);
    const held = holdVerifications(fx, 10);
    const racing = Array.from({ length: 10 }, () => rejection(fx.auth.accounts.login({ email: "ada@example.com", password: OLD }, CLIENT)));
    await held.allHeld();
    // The change commits while the ten logins sit between "password verified" and "session created".
    const changed = await fx.auth.passwords.changePassword(viewer, { currentPassword: OLD, newPassword: NEW }, CLIENT);
    held.release();
    const errors = await Promise.all(racing);
    expect(errors.map((e) => e.code)).toEqual(Array(10).fill("INVALID_CREDENTIALS"));
    expect((await fx.auth.sessions.list(await viewerOf(fx, changed.accessToken))).map((s) => s.id)).toEqual([owner.sessionId]);
    expect(fx.audit.events.filter((e) => e.detail?.reason === "credentials_changed")).toHaveLength(10);
  });

  it("a session stamped with an older version is dead for access tokens, refresh and the session list", async () => {
    const fx = authFixture();
    const owner = await fx.signup();
    const stale = await fx.auth.accounts.login({ email: "ada@example.com", password: OLD }, CLIENT);
    // As if a login had slipped its session in under the old version (the race the store's lock prevents).
    const row = fx.stores.users.rows.get(owner.user.id);
    if (!row) throw new Error("no user row");
    row.credentialVersion += 1;
    const fresh = await fx.auth.accounts.login({ email: "ada@example.com", password: OLD }, CLIENT);
    fx.clock.advance(2000); // past the 1 s session cache
    expect((await fx.auth.viewers.resolve(`Bearer ${stale.accessToken}`)).reason).toBe("SESSION_REVOKED");
    expect((await rejection(fx.auth.refresh.refresh(stale.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
    const viewer = await viewerOf(fx, fresh.accessToken);
    expect((await fx.auth.sessions.list(viewer)).map((s) => s.id)).toEqual([fresh.sessionId]);
  });

  it("a hash upgrade computed from the old password never overwrites a password changed meanwhile", async () => {
    const fx = authFixture();
    const owner = await fx.signup();
    const row = fx.stores.users.rows.get(owner.user.id);
    if (!row) throw new Error("no user row");
    row.passwordHash = `legacy:${OLD}`; // weaker parameters: the next login rehashes
    const viewer = await viewerOf(fx, owner.accessToken);
    const held = holdVerifications(fx, 1);
    const login = rejection(fx.auth.accounts.login({ email: "ada@example.com", password: OLD }, CLIENT));
    await held.allHeld();
    await fx.auth.passwords.changePassword(viewer, { currentPassword: OLD, newPassword: NEW }, CLIENT);
    held.release();
    expect((await login).code).toBe("INVALID_CREDENTIALS");
    expect(row.passwordHash).toBe(`plain:${NEW}`);
    await expect(fx.auth.accounts.login({ email: "ada@example.com", password: NEW }, CLIENT)).resolves.toBeDefined();
  });

  it("two concurrent changes from one session: one wins, the other is told the password moved", async () => {
    const fx = authFixture();
    const owner = await fx.signup();
    const viewer = await viewerOf(fx, owner.accessToken);
    const results = await Promise.allSettled(
      ["first new password", "second new password"].map((newPassword) => fx.auth.passwords.changePassword(viewer, { currentPassword: OLD, newPassword }, CLIENT)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(lost?.reason).toMatchObject({ code: "INVALID_CREDENTIALS" });
  });
});

describe("access tokens issued before a password change", () => {
  it("a thief's access token for the very session that changed the password stops working at once", async () => {
    const fx = authFixture();
    const victim = await fx.signup();
    // The thief exchanged a stolen refresh token of the victim's session.
    const thief = await fx.auth.refresh.refresh(victim.refreshToken, CLIENT);
    expect((await fx.auth.viewers.resolve(`Bearer ${thief.accessToken}`)).viewer).not.toBeNull();
    const viewer = await viewerOf(fx, victim.accessToken);
    const changed = await fx.auth.passwords.changePassword(viewer, { currentPassword: OLD, newPassword: NEW }, CLIENT);
    for (const token of [thief.accessToken, victim.accessToken]) {
      expect(await fx.auth.viewers.resolve(`Bearer ${token}`)).toEqual({ viewer: null, reason: "TOKEN_EXPIRED" });
    }
    expect((await rejection(fx.auth.refresh.refresh(thief.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
    expect((await fx.auth.viewers.resolve(`Bearer ${changed.accessToken}`)).viewer?.sessionId).toBe(victim.sessionId);
  });
});

describe("tokens retired by a password change", () => {
  it("cannot end the session the change re-keyed: neither the old access token nor an old refresh token", async () => {
    const fx = authFixture();
    const victim = await fx.signup();
    const thief = await fx.auth.refresh.refresh(victim.refreshToken, CLIENT);
    const changed = await fx.auth.passwords.changePassword(await viewerOf(fx, victim.accessToken), { currentPassword: OLD, newPassword: NEW }, CLIENT);
    for (const [refreshToken, authorization] of [[undefined, `Bearer ${thief.accessToken}`], [thief.refreshToken, undefined], [victim.refreshToken, undefined]] as const) {
      const { claims } = await fx.auth.viewers.authenticate(authorization);
      await expect(fx.auth.sessions.logout(refreshToken, claims, CLIENT)).resolves.toBe(true);
    }
    fx.clock.advance(2000); // past the 1 s session cache
    expect((await fx.auth.viewers.resolve(`Bearer ${changed.accessToken}`)).viewer?.sessionId).toBe(victim.sessionId);
    // The current tokens still end it.
    await fx.auth.sessions.logout(undefined, (await fx.auth.viewers.authenticate(`Bearer ${changed.accessToken}`)).claims, CLIENT);
    expect((await fx.auth.viewers.resolve(`Bearer ${changed.accessToken}`)).reason).toBe("SESSION_REVOKED");
  });
});
