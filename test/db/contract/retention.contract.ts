import { randomUUID } from "node:crypto";
import type { AuditEvent } from "../../../src/auth/types";
import type { AccountTokenPurpose, NewAccountToken } from "../../../src/auth/account-token-records";
import { loggedIn, newSession, newToken, newUser, readToken, type GetStores } from "./fixtures";

/** Long before every other fixture (2030), so a cutoff here touches only this suite's rows. */
const Y2000 = new Date("2000-01-01T00:00:00.000Z");
const day = (n: number) => new Date(Y2000.getTime() + n * 86400_000);

function auditAt(createdAt: Date): AuditEvent {
  return { id: randomUUID(), type: "signup", userId: null, sessionId: null, ip: null, userAgent: null, requestId: null, detail: null, createdAt };
}

function accountToken(userId: string, email: string, purpose: AccountTokenPurpose, createdAt: Date, expiresAt: Date): NewAccountToken {
  return { id: randomUUID(), tokenHash: randomUUID().replace(/-/g, ""), purpose, userId, email, role: null, createdAt, expiresAt };
}

export function retentionContract(stores: GetStores): void {
  describe("RetentionStore", () => {
    it("deletes mailed tokens used, superseded or expired before the cutoff, and keeps live ones", async () => {
      const user = await stores().users.create(newUser());
      const issue = (token: NewAccountToken) =>
        stores().accountTokens.issue(token, { id: randomUUID(), mail: { kind: "verify-email", to: token.email, link: null, facts: {} } });
      const expired = accountToken(user.id, user.email, "email_verification", day(0), day(1));
      const superseded = accountToken(user.id, user.email, "password_reset", day(0), day(100));
      const live = accountToken(user.id, user.email, "password_reset", day(3), day(100));
      const used = accountToken(user.id, `moved-${user.email}`, "email_change", day(0), day(100));
      for (const token of [expired, superseded, used]) await issue(token);
      // Before `live` is issued: a confirmed email change supersedes every other token of the account.
      await expect(stores().accountTokens.redeem(used.tokenHash, { kind: "change_email" }, day(2))).resolves.toMatchObject({ ok: true });
      await issue({ ...live, email: `moved-${user.email}` });
      let deleted = 0;
      await stores().retention.exclusively(async (b) => {
        deleted = await b.deleteAccountTokensEndedBefore(day(10), 10);
      });
      expect(deleted).toBe(3);
      for (const gone of [expired, superseded, used]) expect(await stores().accountTokens.find(gone.tokenHash)).toBeNull();
      expect(await stores().accountTokens.find(live.tokenHash)).not.toBeNull();
    });

    it("deletes mail sent or given up on before the cutoff, never unsent mail", async () => {
      const mail = { kind: "email-change-notice" as const, to: "retention@example.test", link: null, facts: { newEmail: "x@example.test" } };
      const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await stores().mail.enqueue(mail, id, day(1));
      const [sent, failed, unsent, recent] = ids as [string, string, string, string];
      await stores().mail.markSent(sent, day(1));
      await stores().mail.markFailed(failed, day(1), "550 no such mailbox", null);
      await stores().mail.markSent(recent, day(50));
      let deleted = 0;
      await stores().retention.exclusively(async (b) => {
        deleted = await b.deleteMailDoneBefore(day(10), 10);
      });
      expect(deleted).toBe(2);
      const due = await stores().mail.claimDue(day(2), day(3), 100);
      expect(due.map((m) => m.id)).toContain(unsent);
    });

    it("deletes sessions ended before the cutoff with their tokens, and keeps everything else", async () => {
      const old = { createdAt: day(0), lastUsedAt: day(0), absoluteExpiresAt: day(400) };
      const { user, session: expired, token: expiredToken } = await loggedIn(stores(), { ...old, expiresAt: day(10) });
      const revoked = newSession(user.id, { ...old, expiresAt: day(300) });
      const live = newSession(user.id, { ...old, expiresAt: day(300) });
      const recentlyRevoked = newSession(user.id, { ...old, expiresAt: day(300) });
      for (const s of [revoked, live, recentlyRevoked]) await stores().sessions.create(s, newToken(s.id, { createdAt: day(0), expiresAt: day(300) }));
      await stores().sessions.revoke(revoked.id, user.id, day(20), "logout");
      await stores().sessions.revoke(recentlyRevoked.id, user.id, day(40), "logout");

      let deleted = 0;
      const ran = await stores().retention.exclusively(async (b) => {
        for (let n = 1; n > 0; deleted += n) n = await b.deleteSessionsEndedBefore(day(30), 1);
      });
      expect(ran).toBe(true);
      expect(deleted).toBe(2);
      expect(await stores().sessions.findState(expired.id)).toBeNull();
      expect(await stores().sessions.findState(revoked.id)).toBeNull();
      expect(await readToken(stores().sessions, expiredToken.tokenHash)).toBeNull();
      for (const kept of [live, recentlyRevoked]) expect(await stores().sessions.findState(kept.id)).not.toBeNull();
    });

    it("deletes refresh tokens that ended before the cutoff from kept sessions, unlinking their children", async () => {
      const old = { createdAt: day(0), lastUsedAt: day(0), expiresAt: day(300), absoluteExpiresAt: day(400) };
      const { session, token: first } = await loggedIn(stores(), old);
      const child = newToken(session.id, { parentId: first.id, createdAt: day(1), expiresAt: day(300) });
      await stores().sessions.withLockedRefreshToken(first.tokenHash, async (_locked, tx) => {
        await tx.markRotated(first.id, day(1));
        await tx.insertToken(child);
      });
      // `first` (from loggedIn) expires at its fixture default (2030) unless overridden: make an old one.
      const stale = newToken(session.id, { createdAt: day(0), expiresAt: day(5) });
      await stores().sessions.withLockedRefreshToken(child.tokenHash, async (_locked, tx) => tx.insertToken(stale));
      let deleted = 0;
      await stores().retention.exclusively(async (b) => {
        deleted = await b.deleteRefreshTokensEndedBefore(day(30), 100);
      });
      expect(deleted).toBeGreaterThanOrEqual(1);
      expect(await readToken(stores().sessions, stale.tokenHash)).toBeNull();
      expect(await readToken(stores().sessions, child.tokenHash)).toMatchObject({ id: child.id });
      expect(await stores().sessions.findState(session.id)).not.toBeNull();
    });

    it("deletes audit events older than the cutoff, in batches of at most `limit`", async () => {
      const events = [day(1), day(2), day(3), day(50)].map(auditAt);
      for (const e of events) await stores().audit.record(e);
      const batches: number[] = [];
      await stores().retention.exclusively(async (b) => {
        for (let n = -1; n !== 0; ) batches.push((n = await b.deleteAuditEventsBefore(day(10), 2)));
      });
      expect(batches).toEqual([2, 1, 0]);
      const left = await stores().audit.list({ first: 100 });
      expect(left.map((e) => e.id)).toContain(events[3]?.id);
      for (const gone of events.slice(0, 3)) expect(left.map((e) => e.id)).not.toContain(gone.id);
    });

    it("runs one holder at a time: a second caller is told no while the first works", async () => {
      let release = () => undefined as void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = stores().retention.exclusively(async () => {
        entered();
        await held;
      });
      await inside;
      let secondRan = false;
      await expect(stores().retention.exclusively(async () => void (secondRan = true))).resolves.toBe(false);
      expect(secondRan).toBe(false);
      release();
      await expect(first).resolves.toBe(true);
      await expect(stores().retention.exclusively(async () => undefined)).resolves.toBe(true);
    });
  });
}
