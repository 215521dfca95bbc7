import { randomUUID } from "node:crypto";
import type { TokenEffect } from "../../../src/auth/account-token-records";
import { at, loggedIn, newSession, newToken, newUser, readToken, T0, type GetStores } from "./fixtures";
import { issued, stateOf, UNUSED } from "./account-token-fixtures";
import { redemptionRefusalContract } from "./account-token-refusal.contract";

export function redemptionContract(stores: GetStores): void {
  describe("redeem", () => {
    it("verify_email marks the address verified and the token used, once", async () => {
      const user = await stores().users.create(newUser());
      const { token } = await issued(stores(), "email_verification", user);
      await expect(stores().accountTokens.redeem(token.tokenHash, { kind: "verify_email" }, at(5))).resolves.toEqual({
        ok: true,
        user: { ...user, emailVerified: true },
        endedSessions: 0,
        previousEmail: user.email,
      });
      expect(await stores().users.findById(user.id)).toEqual({ ...user, emailVerified: true });
      expect(await stateOf(stores(), token)).toEqual({ usedAt: at(5), supersededAt: null });
      await expect(stores().accountTokens.redeem(token.tokenHash, { kind: "verify_email" }, at(6))).resolves.toEqual({ ok: false, reason: "USED" });
    });

    it("reset_password sets the password, bumps the version, ends every session and every other link of the account", async () => {
      const { user, session, token: refresh } = await loggedIn(stores());
      const second = newSession(user.id);
      await stores().sessions.create(second, newToken(second.id));
      const older = await issued(stores(), "password_reset", user);
      const verify = await issued(stores(), "email_verification", user);
      const { token } = await issued(stores(), "password_reset", user, { createdAt: at(1) });
      const sibling = await issued(stores(), "email_change", user, { email: `${randomUUID()}@new.test` });
      const redeemed = await stores().accountTokens.redeem(token.tokenHash, { kind: "reset_password", passwordHash: "reset-hash" }, at(5));
      expect(redeemed).toEqual({ ok: true, user: { ...user, credentialVersion: 1, emailVerified: true }, endedSessions: 2, previousEmail: user.email });
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ passwordHash: "reset-hash", credentialVersion: 1, emailVerified: true });
      expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(5));
      expect((await readToken(stores().sessions, refresh.tokenHash))?.revokedAt).toEqual(at(5));
      expect(await stores().sessions.listActive(user.id, at(6))).toEqual([]);
      expect(await stateOf(stores(), token)).toEqual({ usedAt: at(5), supersededAt: null });
      expect(await stateOf(stores(), older.token)).toEqual({ usedAt: null, supersededAt: at(1) });
      expect(await stateOf(stores(), verify.token)).toEqual({ usedAt: null, supersededAt: at(5) });
      // A pending email change (perhaps requested with the stolen password) dies with the old password.
      expect(await stateOf(stores(), sibling.token)).toEqual({ usedAt: null, supersededAt: at(5) });
      // A login that verified the old password cannot open a session any more.
      const late = newSession(user.id, { credentialVersion: 0 });
      await expect(stores().sessions.create(late, newToken(late.id))).resolves.toBe(false);
    });

    it("change_email moves the account to the token's address, verified, and supersedes every other token", async () => {
      const user = await stores().users.create(newUser());
      const verify = await issued(stores(), "email_verification", user);
      const reset = await issued(stores(), "password_reset", user);
      const { token } = await issued(stores(), "email_change", user, { email: `${randomUUID()}@new.test` });
      const redeemed = await stores().accountTokens.redeem(token.tokenHash, { kind: "change_email" }, at(5));
      expect(redeemed).toEqual({ ok: true, user: { ...user, email: token.email, emailVerified: true }, endedSessions: 0, previousEmail: user.email });
      expect(await stores().users.findByEmail(user.email)).toBeNull();
      expect(await stores().users.findByEmail(token.email)).toMatchObject({ id: user.id, emailVerified: true });
      expect(await stateOf(stores(), token)).toEqual({ usedAt: at(5), supersededAt: null });
      for (const other of [verify, reset]) expect(await stateOf(stores(), other.token)).toEqual({ usedAt: null, supersededAt: at(5) });
      // The verification link went to the old address: it proves nothing about the new one.
      await expect(stores().accountTokens.redeem(verify.token.tokenHash, { kind: "verify_email" }, at(6))).resolves.toEqual({ ok: false, reason: "SUPERSEDED" });
    });

    it("accept_invite creates the invited account with the invite's address and role, verified", async () => {
      const { token } = await issued(stores(), "invite", null, { role: "ADMIN" });
      const id = randomUUID();
      const effect: TokenEffect = { kind: "accept_invite", user: { id, passwordHash: "invitee-hash", createdAt: at(5) } };
      const expected = { id, email: token.email, role: "ADMIN", credentialVersion: 0, createdAt: at(5), emailVerified: true, disabled: false };
      await expect(stores().accountTokens.redeem(token.tokenHash, effect, at(5))).resolves.toEqual({
        ok: true,
        user: expected,
        endedSessions: 0,
        previousEmail: token.email,
      });
      expect(await stores().users.findByEmail(token.email)).toEqual({ ...expected, passwordHash: "invitee-hash" });
      expect(await stateOf(stores(), token)).toEqual({ usedAt: at(5), supersededAt: null });
    });

    it("EMAIL_TAKEN when the address was taken meanwhile; the token stays unused and nothing changes", async () => {
      const user = await stores().users.create(newUser());
      const verify = await issued(stores(), "email_verification", user);
      const { token } = await issued(stores(), "email_change", user, { email: `${randomUUID()}@new.test` });
      await stores().users.create(newUser({ email: token.email }));
      const error = await stores().accountTokens.redeem(token.tokenHash, { kind: "change_email" }, at(5)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "EMAIL_TAKEN", field: "email" });
      expect(await stateOf(stores(), token)).toEqual(UNUSED);
      expect(await stateOf(stores(), verify.token)).toEqual(UNUSED);
      expect(await stores().users.findById(user.id)).toEqual(user);

      const invite = await issued(stores(), "invite", null, { email: user.email });
      const id = randomUUID();
      const accept: TokenEffect = { kind: "accept_invite", user: { id, passwordHash: "h", createdAt: T0 } };
      await expect(stores().accountTokens.redeem(invite.token.tokenHash, accept, at(5))).rejects.toMatchObject({ code: "EMAIL_TAKEN", field: "email" });
      expect(await stateOf(stores(), invite.token)).toEqual(UNUSED);
      expect(await stores().users.findById(id)).toBeNull();
    });

    it("of 20 concurrent redemptions of one token exactly one succeeds, the others see USED", async () => {
      const { user } = await loggedIn(stores());
      const { token } = await issued(stores(), "password_reset", user);
      const resets = Array.from({ length: 20 }, (_, i) =>
        stores().accountTokens.redeem(token.tokenHash, { kind: "reset_password", passwordHash: `hash-${i}` }, at(5)),
      );
      const outcomes = await Promise.all(resets);
      expect(outcomes.filter((r) => r.ok)).toHaveLength(1);
      expect(outcomes.filter((r) => !r.ok)).toEqual(Array.from({ length: 19 }, () => ({ ok: false, reason: "USED" })));
      expect(await stores().users.findById(user.id)).toMatchObject({ credentialVersion: 1 });

      const invite = await issued(stores(), "invite", null);
      const ids = Array.from({ length: 20 }, () => randomUUID());
      const accepts = ids.map((id) => stores().accountTokens.redeem(invite.token.tokenHash, { kind: "accept_invite", user: { id, passwordHash: "h", createdAt: T0 } }, at(5)));
      const accepted = await Promise.all(accepts);
      expect(accepted.filter((r) => r.ok)).toHaveLength(1);
      expect(accepted.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array.from({ length: 19 }, () => "USED"));
      const created = await Promise.all(ids.map((id) => stores().users.findById(id)));
      expect(created.filter((u) => u !== null)).toHaveLength(1);
    });

    redemptionRefusalContract(stores);
  });
}
