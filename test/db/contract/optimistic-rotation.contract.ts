import { randomUUID } from "node:crypto";
import type { LockedRefreshToken, RotationWrite } from "../../../src/auth/ports";
import { at, loggedIn, newToken, readToken, type GetStores, type StoreHarness } from "./fixtures";

/** A rotation as the refresh service builds it from a read. */
function write(read: LockedRefreshToken, marksRotation = read.token.rotatedAt === null, minute = 10): RotationWrite {
  const child = newToken(read.session.id, { parentId: read.token.id, createdAt: at(minute), expiresAt: at(60 * 24 + minute) });
  const audit = {
    id: randomUUID(),
    type: "refresh_rotated" as const,
    userId: read.user.id,
    sessionId: read.session.id,
    ip: "203.0.113.7",
    userAgent: "contract",
    requestId: null,
    detail: { withinGrace: !marksRotation },
    createdAt: at(minute),
  };
  return { read, marksRotation, child, at: at(minute), audit };
}

async function auditIds(stores: StoreHarness, sessionUserId: string): Promise<string[]> {
  return (await stores.audit.list({ first: 100, userId: sessionUserId, type: "refresh_rotated" })).map((e) => e.id);
}

async function readNow(stores: StoreHarness, tokenHash: string): Promise<LockedRefreshToken> {
  const read = await stores.sessions.findRefreshToken(tokenHash);
  if (!read) throw new Error("the token should exist");
  return read;
}

/** SessionStore.findRefreshToken and rotate: the refresh service's unlocked, one-statement path. */
export function optimisticRotationContract(stores: GetStores): void {
  describe("findRefreshToken + rotate", () => {
    it("reads what the locked path reads, and null for an unknown hash", async () => {
      const { user, session, token } = await loggedIn(stores());
      expect(await stores().sessions.findRefreshToken("f".repeat(64))).toBeNull();
      const read = await stores().sessions.findRefreshToken(token.tokenHash);
      expect(read).toEqual({ token: { ...token, rotatedAt: null, revokedAt: null }, session: { ...session, revokedAt: null }, user });
      expect(read).toEqual(await stores().sessions.withLockedRefreshToken(token.tokenHash, async (locked) => locked));
    });

    it("marks the token, inserts the child and slides the session, all at once", async () => {
      const { session, token } = await loggedIn(stores());
      const w = write(await readNow(stores(), token.tokenHash));
      expect(await stores().sessions.rotate(w)).toBe(true);
      expect((await readToken(stores().sessions, token.tokenHash))?.rotatedAt).toEqual(at(10));
      expect(await readToken(stores().sessions, w.child.tokenHash)).toEqual({ ...w.child, rotatedAt: null, revokedAt: null });
      expect((await stores().sessions.findState(session.id))?.session).toMatchObject({ lastUsedAt: at(10), expiresAt: at(60 * 24 + 10) });
    });

    it("writes its audit event with the rotation, and none when the rotation is not applied", async () => {
      const { user, token } = await loggedIn(stores());
      const read = await readNow(stores(), token.tokenHash);
      const applied = write(read);
      expect(await stores().sessions.rotate(applied)).toBe(true);
      const lost = write(read, true, 11);
      expect(await stores().sessions.rotate(lost)).toBe(false);
      expect(await auditIds(stores(), user.id)).toEqual([applied.audit.id]);
      const [event] = await stores().audit.list({ first: 1, userId: user.id, type: "refresh_rotated" });
      expect(event).toEqual(applied.audit);
    });

    it("a stale read writes nothing; a sibling of the rotated token is added without touching it", async () => {
      const { token } = await loggedIn(stores());
      const stale = await readNow(stores(), token.tokenHash);
      expect(await stores().sessions.rotate(write(stale))).toBe(true);
      const lost = write(stale, true, 11);
      expect(await stores().sessions.rotate(lost)).toBe(false);
      expect(await readToken(stores().sessions, lost.child.tokenHash)).toBeNull();
      // Decided on the newer read: the token is rotated, so the exchange adds a sibling.
      const sibling = write(await readNow(stores(), token.tokenHash), false, 12);
      expect(await stores().sessions.rotate(sibling)).toBe(true);
      expect((await readToken(stores().sessions, token.tokenHash))?.rotatedAt).toEqual(at(10));
      expect(await readToken(stores().sessions, sibling.child.tokenHash)).toMatchObject({ parentId: token.id });
      // A sibling decision for a token that is (still) unrotated is stale too.
      const fresh = await loggedIn(stores());
      expect(await stores().sessions.rotate(write(await readNow(stores(), fresh.token.tokenHash), false))).toBe(false);
    });

    it("refuses, writing nothing, once the session was revoked, the password changed or the user disabled after the read", async () => {
      const cases: Array<(s: StoreHarness, ids: Awaited<ReturnType<typeof loggedIn>>) => Promise<unknown>> = [
        (s, { user, session }) => s.sessions.revoke(session.id, user.id, at(5), "logout"),
        (s, { user }) => s.users.setDisabled(user.id, true, at(5)),
        (s, { user, session }) => {
          const other = newToken(session.id, { createdAt: at(5) });
          return s.users.changePassword({ userId: user.id, expectedVersion: 0, passwordHash: "new", at: at(5), keep: { sessionId: session.id, token: other } });
        },
      ];
      for (const change of cases) {
        const ids = await loggedIn(stores());
        const w = write(await readNow(stores(), ids.token.tokenHash));
        await change(stores(), ids);
        expect(await stores().sessions.rotate(w)).toBe(false);
        expect(await readToken(stores().sessions, w.child.tokenHash)).toBeNull();
        expect((await readToken(stores().sessions, ids.token.tokenHash))?.rotatedAt).toBeNull();
      }
    });

    it("20 concurrent rotations decided on one read: exactly one applies", async () => {
      const { token } = await loggedIn(stores());
      const read = await readNow(stores(), token.tokenHash);
      const writes = Array.from({ length: 20 }, () => write(read));
      const applied = await Promise.all(writes.map((w) => stores().sessions.rotate(w)));
      expect(applied.filter(Boolean)).toHaveLength(1);
      const children = await Promise.all(writes.map((w) => readToken(stores().sessions, w.child.tokenHash)));
      expect(children.filter((c) => c !== null)).toHaveLength(1);
    });

    it("a logout racing a rotation leaves no live token in the revoked session", async () => {
      for (let round = 0; round < 5; round++) {
        const { user, session, token } = await loggedIn(stores());
        const w = write(await readNow(stores(), token.tokenHash));
        await Promise.all([stores().sessions.rotate(w), stores().sessions.revoke(session.id, user.id, at(30), "logout")]);
        expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(30));
        for (const hash of [token.tokenHash, w.child.tokenHash]) {
          const stored = await readToken(stores().sessions, hash);
          if (stored) expect(stored.revokedAt).toEqual(at(30));
        }
      }
    });
  });
}
