import { randomUUID } from "node:crypto";
import type { FirstSession, NewUser } from "../../../src/auth/ports";
import { T0, at, newSession, newToken, newUser, readToken, type GetStores, type StoreHarness } from "./fixtures";

function firstSession(user: NewUser, overrides: { tokenHash?: string; credentialVersion?: number } = {}): FirstSession {
  const session = newSession(user.id, { credentialVersion: overrides.credentialVersion ?? 0 });
  const token = newToken(session.id, overrides.tokenHash ? { tokenHash: overrides.tokenHash } : {});
  const audit = { id: randomUUID(), type: "signup" as const, userId: user.id, sessionId: session.id, ip: "203.0.113.9", userAgent: "contract", requestId: "req-signup", detail: null, createdAt: T0 };
  return { session, token, audit };
}

async function nothingOf(stores: StoreHarness, user: NewUser, first: FirstSession): Promise<void> {
  expect(await stores.users.findById(user.id)).toBeNull();
  expect(await stores.sessions.findState(first.session.id)).toBeNull();
  // The hash may be another session's (the clash under test); this token's row must not exist.
  expect((await readToken(stores.sessions, first.token.tokenHash))?.id).not.toBe(first.token.id);
  expect(await stores.audit.list({ first: 10, userId: user.id })).toEqual([]);
}

/** UserStore.create with a first session: a signup signed in with one statement. */
export function firstSessionContract(stores: GetStores): void {
  describe("UserStore.create with a first session", () => {
    it("writes the user, the session (stamped with the user's version), its token and the event together", async () => {
      const user = newUser();
      const first = firstSession(user, { credentialVersion: 7 });
      const created = await stores().users.create(user, first);
      expect(created).toEqual(await stores().users.findById(user.id));
      expect(created.credentialVersion).toBe(0);
      const state = await stores().sessions.findState(first.session.id);
      expect(state?.session).toEqual({ ...first.session, credentialVersion: 0, revokedAt: null });
      expect(state?.user).toEqual(created);
      expect(await readToken(stores().sessions, first.token.tokenHash)).toEqual({ ...first.token, rotatedAt: null, revokedAt: null });
      expect(await stores().audit.list({ first: 10, userId: user.id })).toEqual([first.audit]);
      // Live and usable: the first exchange of its token rotates it.
      const rotated = await stores().sessions.rotateByHash({
        tokenHash: first.token.tokenHash,
        at: at(1),
        child: { id: randomUUID(), tokenHash: newToken(first.session.id).tokenHash, idleExpiresAt: at(60) },
        audit: { id: randomUUID(), type: "refresh_rotated", ip: null, userAgent: null, requestId: null, detail: { withinGrace: false }, createdAt: at(1) },
      });
      expect(rotated?.user).toEqual(created);
    });

    it("a taken email is EMAIL_TAKEN and writes no session, token or event", async () => {
      const taken = await stores().users.create(newUser());
      const user = newUser({ email: taken.email });
      const first = firstSession(user);
      await expect(stores().users.create(user, first)).rejects.toMatchObject({ code: "EMAIL_TAKEN", field: "email" });
      await nothingOf(stores(), user, first);
    });

    it("a session that cannot be written leaves no account behind", async () => {
      const existing = await stores().users.create(newUser());
      const login = newSession(existing.id);
      const clash = newToken(login.id);
      await stores().sessions.create(login, clash);
      const user = newUser();
      const first = firstSession(user, { tokenHash: clash.tokenHash });
      await expect(stores().users.create(user, first)).rejects.toThrow();
      await nothingOf(stores(), user, first);
      expect(await stores().users.findByEmail(user.email)).toBeNull();
    });

    it("10 concurrent signed-in signups with one email: one account, one session", async () => {
      const email = newUser().email;
      const attempts = Array.from({ length: 10 }, () => {
        const user = newUser({ email });
        return { user, first: firstSession(user) };
      });
      const results = await Promise.allSettled(attempts.map(({ user, first }) => stores().users.create(user, first)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const sessions = await Promise.all(attempts.map(({ first }) => stores().sessions.findState(first.session.id)));
      expect(sessions.filter((s) => s !== null)).toHaveLength(1);
    });
  });
}
