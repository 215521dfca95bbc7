import { randomUUID } from "node:crypto";
import type { AuditEvent } from "../../../src/auth";
import { at, loggedIn, newSession, newToken, newUser, readToken, type GetStores } from "./fixtures";

export function sessionStoreContract(stores: GetStores): void {
  describe("SessionStore", () => {
    it("creates a session with its first token and reports its state with the current role", async () => {
      const { user, session, token } = await loggedIn(stores());
      expect(await stores().sessions.findState(session.id)).toEqual({ session: { ...session, revokedAt: null }, user });
      expect(await readToken(stores().sessions, token.tokenHash)).toEqual({ ...token, rotatedAt: null, revokedAt: null });
      await stores().users.setRole(user.id, "ADMIN", at(1));
      expect((await stores().sessions.findState(session.id))?.user.role).toBe("ADMIN");
    });

    it("creates nothing when the first token cannot be stored", async () => {
      const { user, token } = await loggedIn(stores());
      const session = newSession(user.id);
      const clash = newToken(session.id, { tokenHash: token.tokenHash });
      await expect(stores().sessions.create(session, clash)).rejects.toThrow();
      expect(await stores().sessions.findState(session.id)).toBeNull();
    });

    it("writes the given audit event with the session, and none when the session is refused", async () => {
      const user = await stores().users.create(newUser());
      const event = (sessionId: string): AuditEvent => ({
        id: randomUUID(),
        type: "login_succeeded",
        userId: user.id,
        sessionId,
        ip: "198.51.100.4",
        userAgent: "contract",
        requestId: "req-1",
        detail: null,
        createdAt: at(1),
      });
      const stale = newSession(user.id, { credentialVersion: 1 });
      expect(await stores().sessions.create(stale, newToken(stale.id), event(stale.id))).toBe(false);
      const session = newSession(user.id);
      const written = event(session.id);
      expect(await stores().sessions.create(session, newToken(session.id), written)).toBe(true);
      expect(await stores().audit.list({ first: 10, userId: user.id })).toEqual([written]);
    });

    it("returns null state for unknown or malformed session ids", async () => {
      expect(await stores().sessions.findState(randomUUID())).toBeNull();
      expect(await stores().sessions.findState("not-a-uuid")).toBeNull();
    });

    it("finds a session by any of its token hashes", async () => {
      const { session, token } = await loggedIn(stores());
      expect(await stores().sessions.findByTokenHash(token.tokenHash)).toEqual({ ...session, revokedAt: null });
      expect(await stores().sessions.findByTokenHash("0".repeat(64))).toBeNull();
    });

    it("lists only live sessions of the user, most recently used first", async () => {
      const { user, session: older } = await loggedIn(stores(), { lastUsedAt: at(1) });
      const newer = newSession(user.id, { lastUsedAt: at(2) });
      const expired = newSession(user.id, { lastUsedAt: at(3), expiresAt: at(10) });
      const revoked = newSession(user.id, { lastUsedAt: at(4) });
      for (const s of [newer, expired, revoked]) await stores().sessions.create(s, newToken(s.id));
      await stores().sessions.revoke(revoked.id, user.id, at(5), "logout");
      await loggedIn(stores(), { lastUsedAt: at(6) });

      const active = await stores().sessions.listActive(user.id, at(10));
      expect(active.map((s) => s.id)).toEqual([newer.id, older.id]);
      expect(active[0]).toEqual({ ...newer, revokedAt: null });
    });

    // The absolute expiry ends a session whatever its idle expiry says (refresh refuses it from
    // then on), so `sessions` must not show the user a device that can no longer act for them.
    it("lists no session past its absolute expiry, even while its idle expiry is still ahead", async () => {
      const { user, session: capped } = await loggedIn(stores(), { lastUsedAt: at(2), expiresAt: at(60), absoluteExpiresAt: at(30) });
      const uncapped = newSession(user.id, { lastUsedAt: at(1), expiresAt: at(60), absoluteExpiresAt: at(90) });
      await stores().sessions.create(uncapped, newToken(uncapped.id));
      const listed = async (minutes: number) => (await stores().sessions.listActive(user.id, at(minutes))).map((s) => s.id);

      expect(await listed(29)).toEqual([capped.id, uncapped.id]);
      expect(await listed(30)).toEqual([uncapped.id]); // the absolute expiry instant itself is past
      expect(await listed(45)).toEqual([uncapped.id]);
      expect(await listed(60)).toEqual([]);
    });

    revokeContract(stores);
  });
}

function revokeContract(stores: GetStores): void {
  it("revokes an own session and its tokens, once", async () => {
    const { user, session, token } = await loggedIn(stores());
    expect(await stores().sessions.revoke(session.id, user.id, at(5), "logout")).toBe(true);
    expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(5));
    expect((await readToken(stores().sessions, token.tokenHash))?.revokedAt).toEqual(at(5));

    expect(await stores().sessions.revoke(session.id, user.id, at(6), "again")).toBe(false);
    expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(5));
  });

  it("refuses to revoke another user's session or a malformed id", async () => {
    const mine = await loggedIn(stores());
    const theirs = await loggedIn(stores());
    expect(await stores().sessions.revoke(theirs.session.id, mine.user.id, at(5), "logout")).toBe(false);
    expect(await stores().sessions.revoke("not-a-uuid", mine.user.id, at(5), "logout")).toBe(false);
    expect((await stores().sessions.findState(theirs.session.id))?.session.revokedAt).toBeNull();
    expect((await readToken(stores().sessions, theirs.token.tokenHash))?.revokedAt).toBeNull();
  });

  it("revokes all of a user's live sessions except one", async () => {
    const { user, session: current, token: currentToken } = await loggedIn(stores());
    const others = [newSession(user.id), newSession(user.id)];
    const otherTokens = others.map((s) => newToken(s.id));
    for (const [i, s] of others.entries()) await stores().sessions.create(s, otherTokens[i] ?? newToken(s.id));
    const earlier = newSession(user.id);
    await stores().sessions.create(earlier, newToken(earlier.id));
    await stores().sessions.revoke(earlier.id, user.id, at(1), "logout");
    const stranger = await loggedIn(stores());

    expect(await stores().sessions.revokeAllForUser(user.id, at(5), "logout-all", current.id)).toBe(2);
    for (const t of otherTokens) expect((await readToken(stores().sessions, t.tokenHash))?.revokedAt).toEqual(at(5));
    expect((await stores().sessions.findState(earlier.id))?.session.revokedAt).toEqual(at(1));
    expect((await stores().sessions.findState(current.id))?.session.revokedAt).toBeNull();
    expect((await readToken(stores().sessions, currentToken.tokenHash))?.revokedAt).toBeNull();
    expect((await stores().sessions.findState(stranger.session.id))?.session.revokedAt).toBeNull();

    expect(await stores().sessions.revokeAllForUser(user.id, at(6), "logout-all")).toBe(1);
    expect(await stores().sessions.listActive(user.id, at(7))).toEqual([]);
    expect((await stores().sessions.listActive(stranger.user.id, at(7))).length).toBe(1);
  });
}
