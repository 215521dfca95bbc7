import { randomUUID } from "node:crypto";
import type { PasswordChange } from "../../../src/auth/ports";
import { at, loggedIn, newSession, newToken, readToken, type GetStores, type StoreHarness } from "./fixtures";

async function changeFor(stores: StoreHarness, minutes = 5) {
  const { user, session, token } = await loggedIn(stores);
  const other = newSession(user.id);
  const otherToken = newToken(other.id);
  await stores.sessions.create(other, otherToken);
  const fresh = newToken(session.id, { createdAt: at(minutes), expiresAt: at(60 * 48) });
  const change: PasswordChange = { userId: user.id, expectedVersion: 0, passwordHash: "new-hash", at: at(minutes), keep: { sessionId: session.id, token: fresh } };
  return { user, session, token, other, otherToken, fresh, change };
}

export function passwordChangeContract(stores: GetStores): void {
  describe("UserStore.changePassword (sessions die with the password)", () => {
    it("sets the hash, bumps the version, ends the other sessions and re-keys the kept one", async () => {
      const { user, session, token, other, otherToken, fresh, change } = await changeFor(stores());
      await expect(stores().users.changePassword(change)).resolves.toEqual({ outcome: "changed", credentialVersion: 1, endedSessions: 1 });
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ passwordHash: "new-hash", credentialVersion: 1 });
      expect((await stores().sessions.findState(other.id))?.session.revokedAt).toEqual(at(5));
      for (const old of [token, otherToken]) expect((await readToken(stores().sessions, old.tokenHash))?.revokedAt).toEqual(at(5));
      expect(await readToken(stores().sessions, fresh.tokenHash)).toEqual({ ...fresh, rotatedAt: null, revokedAt: null });
      const kept = await stores().sessions.findState(session.id);
      expect(kept?.session).toMatchObject({ lastUsedAt: at(5), expiresAt: fresh.expiresAt, revokedAt: null, credentialVersion: 1 });
      expect(kept?.user.credentialVersion).toBe(1);
      expect((await stores().sessions.listActive(user.id, at(6))).map((s) => s.id)).toEqual([session.id]);
      // The kept session's old token was retired: it no longer leads to the session (logout by it ends nothing).
      expect(await stores().sessions.findByTokenHash(token.tokenHash)).toBeNull();
      expect((await stores().sessions.findByTokenHash(fresh.tokenHash))?.id).toBe(session.id);
    });

    it("writes nothing when the version moved (another change won)", async () => {
      const { user, other, fresh, change } = await changeFor(stores());
      await expect(stores().users.changePassword({ ...change, expectedVersion: 7 })).resolves.toEqual({ outcome: "version_moved" });
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ passwordHash: `hash-${user.id}`, credentialVersion: 0 });
      expect((await stores().sessions.findState(other.id))?.session.revokedAt).toBeNull();
      expect(await readToken(stores().sessions, fresh.tokenHash)).toBeNull();
    });

    it("writes nothing when the kept session has ended (not even the version bump)", async () => {
      const { user, session, other, fresh, change } = await changeFor(stores());
      await stores().sessions.revoke(session.id, user.id, at(1), "logout");
      await expect(stores().users.changePassword(change)).resolves.toEqual({ outcome: "session_ended" });
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ passwordHash: `hash-${user.id}`, credentialVersion: 0 });
      expect((await stores().sessions.findState(other.id))?.session.revokedAt).toBeNull();
      expect(await readToken(stores().sessions, fresh.tokenHash)).toBeNull();
      await expect(stores().users.changePassword({ ...change, keep: { sessionId: randomUUID(), token: newToken(randomUUID()) } })).resolves.toEqual({
        outcome: "session_ended",
      });
    });

    it("of concurrent changes from one version, exactly one wins", async () => {
      const { change } = await changeFor(stores());
      const attempts = Array.from({ length: 6 }, (_, i) =>
        stores().users.changePassword({ ...change, passwordHash: `hash-${i}`, keep: { ...change.keep, token: newToken(change.keep.sessionId) } }),
      );
      const outcomes = (await Promise.all(attempts)).map((r) => r.outcome).sort();
      expect(outcomes).toEqual(["changed", "version_moved", "version_moved", "version_moved", "version_moved", "version_moved"]);
    });

    it("a session stamped with the old version cannot be created after the change, and lists as dead", async () => {
      const { user, change } = await changeFor(stores());
      await stores().users.changePassword(change);
      const late = newSession(user.id, { credentialVersion: 0 });
      const lateToken = newToken(late.id);
      await expect(stores().sessions.create(late, lateToken)).resolves.toBe(false);
      expect(await stores().sessions.findState(late.id)).toBeNull();
      expect(await readToken(stores().sessions, lateToken.tokenHash)).toBeNull();
      const current = newSession(user.id, { credentialVersion: 1 });
      await expect(stores().sessions.create(current, newToken(current.id))).resolves.toBe(true);
    });
  });
}
