import type { LockedRefreshToken, RotationTransaction } from "../../../src/auth/ports";
import { at, loggedIn, newToken, readToken, type GetStores } from "./fixtures";

/** What the auth service does on refresh: rotate a live token once, and only if nobody did first. */
async function rotateIfFresh(locked: LockedRefreshToken | null, tx: RotationTransaction, childHash: string) {
  if (!locked || locked.token.rotatedAt !== null || locked.token.revokedAt !== null || locked.session.revokedAt !== null) {
    return "stale" as const;
  }
  await tx.markRotated(locked.token.id, at(10));
  // Yield between writes so a missing lock would let other rotations interleave here.
  await new Promise((resolve) => setImmediate(resolve));
  await tx.insertToken(newToken(locked.session.id, { tokenHash: childHash, parentId: locked.token.id, createdAt: at(10) }));
  await tx.touchSession(locked.session.id, { lastUsedAt: at(10), expiresAt: at(60 * 24 + 10) });
  return "rotated" as const;
}

export function rotationContract(stores: GetStores): void {
  describe("withLockedRefreshToken", () => {
    it("hands `work` null for an unknown hash and returns its result", async () => {
      const result = await stores().sessions.withLockedRefreshToken("f".repeat(64), async (locked) => ({ locked }));
      expect(result).toEqual({ locked: null });
    });

    it("locks the token with its session and commits the rotation", async () => {
      const { user, session, token } = await loggedIn(stores());
      const child = newToken(session.id).tokenHash;
      const outcome = await stores().sessions.withLockedRefreshToken(token.tokenHash, async (locked, tx) => {
        expect(locked).toEqual({ token: { ...token, rotatedAt: null, revokedAt: null }, session: { ...session, revokedAt: null }, user });
        return rotateIfFresh(locked, tx, child);
      });
      expect(outcome).toBe("rotated");
      expect((await readToken(stores().sessions, token.tokenHash))?.rotatedAt).toEqual(at(10));
      expect(await readToken(stores().sessions, child)).toMatchObject({ parentId: token.id, sessionId: session.id });
      expect((await stores().sessions.findState(session.id))?.session).toMatchObject({ lastUsedAt: at(10), expiresAt: at(60 * 24 + 10) });
    });

    it("keeps none of the writes when `work` throws", async () => {
      const { session, token } = await loggedIn(stores());
      const child = newToken(session.id).tokenHash;
      const failure = new Error("boom");
      const run = stores().sessions.withLockedRefreshToken(token.tokenHash, async (locked, tx) => {
        await rotateIfFresh(locked, tx, child);
        await tx.revokeSession(session.id, at(11), "reuse");
        throw failure;
      });
      await expect(run).rejects.toBe(failure);
      expect(await readToken(stores().sessions, token.tokenHash)).toMatchObject({ rotatedAt: null, revokedAt: null });
      expect(await readToken(stores().sessions, child)).toBeNull();
      expect(await stores().sessions.findByTokenHash(child)).toBeNull();
      expect((await stores().sessions.findState(session.id))?.session).toEqual({ ...session, revokedAt: null });
    });

    it("revokes the session and every token in it", async () => {
      const { session, token } = await loggedIn(stores());
      const child = newToken(session.id).tokenHash;
      await stores().sessions.withLockedRefreshToken(token.tokenHash, (locked, tx) => rotateIfFresh(locked, tx, child));
      await stores().sessions.withLockedRefreshToken(token.tokenHash, (_locked, tx) => tx.revokeSession(session.id, at(20), "reuse"));
      expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(20));
      for (const hash of [token.tokenHash, child]) {
        expect((await readToken(stores().sessions, hash))?.revokedAt).toEqual(at(20));
      }
    });

    concurrencyContract(stores);
  });
}

function concurrencyContract(stores: GetStores): void {
  it("serializes 20 concurrent rotations of one token: exactly one child", async () => {
    const { session, token } = await loggedIn(stores());
    const children = Array.from({ length: 20 }, () => newToken(session.id).tokenHash);
    const outcomes = await Promise.all(
      children.map((child) =>
        stores().sessions.withLockedRefreshToken(token.tokenHash, (locked, tx) => rotateIfFresh(locked, tx, child)),
      ),
    );
    expect(outcomes.filter((o) => o === "rotated")).toHaveLength(1);
    const stored = await Promise.all(children.map((child) => stores().sessions.findByTokenHash(child)));
    expect(stored.filter((s) => s !== null)).toHaveLength(1);
  });

  it("lets a logout race a rotation without deadlock or a live token left in the revoked session", async () => {
    for (let round = 0; round < 5; round++) {
      const { user, session, token } = await loggedIn(stores());
      const child = newToken(session.id).tokenHash;
      await Promise.all([
        stores().sessions.withLockedRefreshToken(token.tokenHash, (locked, tx) => rotateIfFresh(locked, tx, child)),
        stores().sessions.revoke(session.id, user.id, at(30), "logout"),
      ]);
      expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(30));
      for (const hash of [token.tokenHash, child]) {
        const stored = await readToken(stores().sessions, hash);
        if (stored) expect(stored.revokedAt).toEqual(at(30));
      }
    }
  });
}
