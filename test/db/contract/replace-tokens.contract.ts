import { randomUUID } from "node:crypto";
import { at, loggedIn, newToken, readToken, type GetStores } from "./fixtures";

export function replaceTokensContract(stores: GetStores): void {
  describe("replaceTokens", () => {
    it("revokes every live token of the session and makes the new one its only live token", async () => {
      const { session, token } = await loggedIn(stores());
      const sibling = newToken(session.id, { parentId: token.id });
      await stores().sessions.withLockedRefreshToken(token.tokenHash, async (_locked, tx) => tx.insertToken(sibling));
      const fresh = newToken(session.id, { createdAt: at(5), expiresAt: at(60 * 48) });
      await expect(stores().sessions.replaceTokens(session.id, fresh, at(5))).resolves.toBe(true);
      for (const old of [token, sibling]) expect((await readToken(stores().sessions, old.tokenHash))?.revokedAt).toEqual(at(5));
      expect(await readToken(stores().sessions, fresh.tokenHash)).toEqual({ ...fresh, rotatedAt: null, revokedAt: null });
      const state = await stores().sessions.findState(session.id);
      expect(state?.session).toMatchObject({ lastUsedAt: at(5), expiresAt: fresh.expiresAt, revokedAt: null });
    });

    it("refuses a revoked or unknown session and writes nothing", async () => {
      const { user, session } = await loggedIn(stores());
      await stores().sessions.revoke(session.id, user.id, at(1), "logout");
      const fresh = newToken(session.id);
      await expect(stores().sessions.replaceTokens(session.id, fresh, at(2))).resolves.toBe(false);
      expect(await readToken(stores().sessions, fresh.tokenHash)).toBeNull();
      await expect(stores().sessions.replaceTokens(randomUUID(), newToken(randomUUID()), at(2))).resolves.toBe(false);
      await expect(stores().sessions.replaceTokens("not-a-uuid", newToken(session.id), at(2))).resolves.toBe(false);
    });
  });
}
