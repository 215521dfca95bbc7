import { randomBytes, randomUUID } from "node:crypto";
import type { DirectRotation, NewSession, RotationWrite } from "../../../src/auth/ports";
import { planExchange } from "../../../src/auth/refresh-plan";
import { generateRefreshToken, hashRefreshToken } from "../../../src/auth/refresh-token-codec";
import { at, newSession, newToken, newUser, readToken, type GetStores, type StoreHarness } from "./fixtures";

const GRACE_MS = 60_000;

/** A login whose first refresh token's raw value is known, so planExchange can be asked about it. */
async function loggedIn(stores: StoreHarness, sessionOverrides: Partial<NewSession> = {}) {
  const user = await stores.users.create(newUser());
  const session = newSession(user.id, sessionOverrides);
  const { token: raw, hash } = generateRefreshToken(randomBytes);
  const token = newToken(session.id, { tokenHash: hash });
  if (!(await stores.sessions.create(session, token))) throw new Error("loggedIn: session was not created");
  return { user, session, token, raw };
}

type Login = Awaited<ReturnType<typeof loggedIn>>;

function rotation(tokenHash: string, when: Date, idleMinutes = 60 * 24): DirectRotation {
  return {
    tokenHash,
    at: when,
    child: { id: randomUUID(), tokenHash: randomBytes(32).toString("hex"), idleExpiresAt: new Date(when.getTime() + idleMinutes * 60_000) },
    audit: { id: randomUUID(), type: "refresh_rotated", ip: "198.51.100.4", userAgent: "contract", requestId: "req-direct", detail: { withinGrace: false }, createdAt: when },
  };
}

async function rotatedEventIds(stores: StoreHarness, userId: string): Promise<string[]> {
  return (await stores.audit.list({ first: 100, userId, type: "refresh_rotated" })).map((e) => e.id);
}

/**
 * Each case leaves one login in some state and names the instant of the exchange. Together they
 * reach every branch of planExchange that rows can reach through the ports.
 */
const CASES: Array<[string, (s: StoreHarness) => Promise<{ login: Login; raw: string; when: Date }>]> = [
  ["a live, unrotated token", async (s) => withRaw({ login: await loggedIn(s), raw: "", when: at(10) })],
  ["an unknown token", async (s) => ({ login: await loggedIn(s), raw: generateRefreshToken(randomBytes).token, when: at(10) })],
  [
    "a token rotated within the grace window",
    async (s) => {
      const login = await loggedIn(s);
      await s.sessions.rotateByHash(rotation(login.token.tokenHash, at(10)));
      return { login, raw: login.raw, when: at(10.5) };
    },
  ],
  [
    "a token rotated before the grace window (reuse)",
    async (s) => {
      const login = await loggedIn(s);
      await s.sessions.rotateByHash(rotation(login.token.tokenHash, at(10)));
      return { login, raw: login.raw, when: at(100) };
    },
  ],
  [
    "a token of a logged-out session",
    async (s) => {
      const login = await loggedIn(s);
      await s.sessions.revoke(login.session.id, login.user.id, at(5), "logout");
      return { login, raw: login.raw, when: at(10) };
    },
  ],
  [
    "a token of a disabled user",
    async (s) => {
      const login = await loggedIn(s);
      await s.users.setDisabled(login.user.id, true, at(5));
      return { login, raw: login.raw, when: at(10) };
    },
  ],
  [
    "a token of a user disabled and enabled again",
    async (s) => {
      const login = await loggedIn(s);
      await s.users.setDisabled(login.user.id, true, at(5));
      await s.users.setDisabled(login.user.id, false, at(6));
      return { login, raw: login.raw, when: at(10) };
    },
  ],
  // The session outlives the token here, so only the token's own expiry can refuse it.
  ["a token at its own expiry", async (s) => withRaw({ login: await loggedIn(s, { expiresAt: at(60 * 48) }), raw: "", when: at(60 * 24) })],
  ["a token a millisecond before its expiry", async (s) => withRaw({ login: await loggedIn(s), raw: "", when: new Date(at(60 * 24).getTime() - 1) })],
  ["a token whose session idled out first", async (s) => withRaw({ login: await loggedIn(s, { expiresAt: at(30) }), raw: "", when: at(30) })],
  ["a token just before its session idles out", async (s) => withRaw({ login: await loggedIn(s, { expiresAt: at(30) }), raw: "", when: at(29) })],
  ["a token past its session's absolute expiry", async (s) => withRaw({ login: await loggedIn(s, { absoluteExpiresAt: at(60) }), raw: "", when: at(60) })],
  [
    "a token retired by a password change made in its own session",
    async (s) => {
      const login = await loggedIn(s);
      const keep = { sessionId: login.session.id, token: newToken(login.session.id, { createdAt: at(5) }) };
      await s.users.changePassword({ userId: login.user.id, expectedVersion: 0, passwordHash: "new", at: at(5), keep });
      return { login, raw: login.raw, when: at(10) };
    },
  ],
  [
    "the token a password change re-keyed its session with",
    async (s) => {
      const login = await loggedIn(s);
      const { token: raw, hash } = generateRefreshToken(randomBytes);
      const keep = { sessionId: login.session.id, token: newToken(login.session.id, { tokenHash: hash, createdAt: at(5), expiresAt: at(600) }) };
      const changed = await s.users.changePassword({ userId: login.user.id, expectedVersion: 0, passwordHash: "new", at: at(5), keep });
      if (changed.outcome !== "changed") throw new Error(`the password change should apply, got ${changed.outcome}`);
      return { login, raw, when: at(10) };
    },
  ],
  [
    "a token of another session ended by a password change",
    async (s) => {
      const login = await loggedIn(s);
      const other = newSession(login.user.id);
      await s.sessions.create(other, newToken(other.id));
      const keep = { sessionId: other.id, token: newToken(other.id, { createdAt: at(5) }) };
      await s.users.changePassword({ userId: login.user.id, expectedVersion: 0, passwordHash: "new", at: at(5), keep });
      return { login, raw: login.raw, when: at(10) };
    },
  ],
];

function withRaw(c: { login: Login; raw: string; when: Date }) {
  return { ...c, raw: c.login.raw };
}

/** SessionStore.rotateByHash: the refresh service's one-statement first exchange. */
export function directRotationContract(stores: GetStores): void {
  describe("rotateByHash", () => {
    it.each(CASES)("applies exactly when planExchange says 'rotate, marking it': %s", async (_name, arrange) => {
      const { login, raw, when } = await arrange(stores());
      const tokenHash = hashRefreshToken(raw);
      const before = await stores().sessions.findRefreshToken(tokenHash);
      const plan = planExchange(raw, before, when, GRACE_MS);
      const expected = plan.kind === "rotate" && plan.marksRotation;
      const eventsBefore = await rotatedEventIds(stores(), login.user.id);
      const r = rotation(tokenHash, when);
      const rotated = await stores().sessions.rotateByHash(r);
      expect(rotated !== null).toBe(expected);
      if (!rotated || !before) {
        // Refused: not a row changed, not an event written.
        expect(await stores().sessions.findRefreshToken(tokenHash)).toEqual(before);
        expect(await readToken(stores().sessions, r.child.tokenHash)).toBeNull();
        expect(await rotatedEventIds(stores(), login.user.id)).toEqual(eventsBefore);
        return;
      }
      // Applied: the writes `rotate` makes for the same decision, and what they were made from.
      const { session } = before;
      const expiresAt = new Date(Math.min(r.child.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime()));
      const child = { id: r.child.id, tokenHash: r.child.tokenHash, sessionId: session.id, parentId: before.token.id, createdAt: when, expiresAt };
      expect(rotated).toEqual({ child, user: await stores().users.findById(login.user.id) });
      expect(await readToken(stores().sessions, r.child.tokenHash)).toEqual({ ...child, rotatedAt: null, revokedAt: null });
      expect(await stores().sessions.findRefreshToken(tokenHash)).toEqual({
        ...before,
        token: { ...before.token, rotatedAt: when },
        session: { ...session, lastUsedAt: when, expiresAt },
      });
      const [event] = await stores().audit.list({ first: 1, userId: login.user.id, type: "refresh_rotated" });
      expect(event).toEqual({ ...r.audit, userId: login.user.id, sessionId: session.id });
    });

    it("caps the child's expiry at the session's absolute expiry", async () => {
      const { token, session } = await loggedIn(stores(), { absoluteExpiresAt: at(90) });
      const rotated = await stores().sessions.rotateByHash(rotation(token.tokenHash, at(10), 60 * 24));
      expect(rotated?.child.expiresAt).toEqual(at(90));
      expect((await stores().sessions.findState(session.id))?.session.expiresAt).toEqual(at(90));
    });

    it("50 concurrent exchanges of one token: exactly one applies, with one child and one event", async () => {
      const { user, token } = await loggedIn(stores());
      const attempts = Array.from({ length: 50 }, () => rotation(token.tokenHash, at(10)));
      const results = await Promise.all(attempts.map((r) => stores().sessions.rotateByHash(r)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      const children = await Promise.all(attempts.map((r) => readToken(stores().sessions, r.child.tokenHash)));
      expect(children.filter((c) => c !== null)).toHaveLength(1);
      expect(await rotatedEventIds(stores(), user.id)).toHaveLength(1);
    });

    it("racing a rotation decided on an earlier read of the same token: exactly one of the two applies", async () => {
      for (let round = 0; round < 5; round++) {
        const { user, token } = await loggedIn(stores());
        const read = await stores().sessions.findRefreshToken(token.tokenHash);
        if (!read) throw new Error("the token should exist");
        const child = newToken(read.session.id, { parentId: read.token.id, createdAt: at(10), expiresAt: at(60 * 24 + 10) });
        const audit = { ...rotation(token.tokenHash, at(10)).audit, userId: user.id, sessionId: read.session.id };
        const write: RotationWrite = { read, marksRotation: true, child, at: at(10), audit };
        const [viaRead, direct] = await Promise.all([stores().sessions.rotate(write), stores().sessions.rotateByHash(rotation(token.tokenHash, at(10)))]);
        expect([viaRead, direct !== null].filter(Boolean)).toHaveLength(1);
        expect(await rotatedEventIds(stores(), user.id)).toHaveLength(1);
      }
    });

    it("a logout racing a direct rotation leaves no live token in the revoked session", async () => {
      for (let round = 0; round < 5; round++) {
        const { user, session, token } = await loggedIn(stores());
        const r = rotation(token.tokenHash, at(10));
        await Promise.all([stores().sessions.rotateByHash(r), stores().sessions.revoke(session.id, user.id, at(30), "logout")]);
        expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(30));
        for (const hash of [token.tokenHash, r.child.tokenHash]) {
          const stored = await readToken(stores().sessions, hash);
          if (stored) expect(stored.revokedAt).toEqual(at(30));
        }
      }
    });
  });
}
