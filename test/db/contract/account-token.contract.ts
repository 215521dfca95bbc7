import { randomUUID } from "node:crypto";
import { at, newUser, T0, type GetStores } from "./fixtures";
import { accountToken, issued, mailFor, stateOf, UNUSED } from "./account-token-fixtures";
import { redemptionContract } from "./account-token-redemption.contract";
import { rehearsalContract } from "./account-token-rehearsal.contract";

export function accountTokenContract(stores: GetStores): void {
  describe("AccountTokenStore", () => {
    it("issues a token and queues its mail, due at once", async () => {
      const user = await stores().users.create(newUser());
      const { token, mail } = await issued(stores(), "email_verification", user);
      expect(await stores().accountTokens.find(token.tokenHash)).toEqual({ ...token, usedAt: null, supersededAt: null });
      expect(await stores().queuedMail(mail.id)).toEqual({
        kind: "verify-email",
        recipient: user.email,
        link: mail.mail.link,
        facts: { purpose: "email_verification" },
        createdAt: T0,
        nextAttemptAt: T0,
        attempts: 0,
      });
      const invite = await issued(stores(), "invite", null, { role: "ADMIN" });
      expect(await stores().accountTokens.find(invite.token.tokenHash)).toEqual({ ...invite.token, usedAt: null, supersededAt: null });
      expect(await stores().accountTokens.find("0".repeat(64))).toBeNull();
    });

    it("supersedes the account's unused tokens of the same purpose only", async () => {
      const user = await stores().users.create(newUser());
      const other = await stores().users.create(newUser());
      const spent = await issued(stores(), "password_reset", user);
      await stores().accountTokens.redeem(spent.token.tokenHash, { kind: "reset_password", passwordHash: "h1" }, at(1));
      const reset1 = await issued(stores(), "password_reset", user, { createdAt: at(2) });
      const verify = await issued(stores(), "email_verification", user, { createdAt: at(2) });
      const theirs = await issued(stores(), "password_reset", other, { createdAt: at(2) });
      const reset2 = await issued(stores(), "password_reset", user, { createdAt: at(3) });
      expect(await stateOf(stores(), reset1.token)).toEqual({ usedAt: null, supersededAt: at(3) });
      expect(await stateOf(stores(), reset2.token)).toEqual(UNUSED);
      expect(await stateOf(stores(), spent.token)).toEqual({ usedAt: at(1), supersededAt: null });
      expect(await stateOf(stores(), verify.token)).toEqual(UNUSED);
      expect(await stateOf(stores(), theirs.token)).toEqual(UNUSED);
    });

    it("supersedes earlier invites to the same address only", async () => {
      const first = await issued(stores(), "invite", null);
      const elsewhere = await issued(stores(), "invite", null);
      const again = await issued(stores(), "invite", null, { email: first.token.email, role: "ADMIN", createdAt: at(4) });
      expect(await stateOf(stores(), first.token)).toEqual({ usedAt: null, supersededAt: at(4) });
      expect(await stateOf(stores(), elsewhere.token)).toEqual(UNUSED);
      expect(await stateOf(stores(), again.token)).toEqual(UNUSED);
    });

    it("of concurrent requests for one account (or one invited address), exactly one token stays live", async () => {
      const user = await stores().users.create(newUser());
      const resets = await Promise.all(Array.from({ length: 10 }, () => issued(stores(), "password_reset", user)));
      const email = `${randomUUID()}@invited.test`;
      const invites = await Promise.all(Array.from({ length: 10 }, () => issued(stores(), "invite", null, { email })));
      for (const batch of [resets, invites]) {
        const states = await Promise.all(batch.map(({ token }) => stateOf(stores(), token)));
        expect(states.filter((s) => s?.supersededAt === null)).toHaveLength(1);
      }
    });

    it("writes nothing, mail and supersession included, when the token cannot be stored", async () => {
      const user = await stores().users.create(newUser());
      const { token } = await issued(stores(), "email_change", user, { email: `${randomUUID()}@new.test` });
      const clash = accountToken("email_change", user, { tokenHash: token.tokenHash, createdAt: at(1) });
      const clashMail = mailFor(clash);
      await expect(stores().accountTokens.issue(clash, clashMail)).rejects.toThrow();
      expect(await stores().queuedMail(clashMail.id)).toBeNull();
      expect(await stateOf(stores(), token)).toEqual(UNUSED);
      const orphan = accountToken("password_reset", { ...user, id: randomUUID() });
      const orphanMail = mailFor(orphan);
      await expect(stores().accountTokens.issue(orphan, orphanMail)).rejects.toThrow();
      expect(await stores().queuedMail(orphanMail.id)).toBeNull();
      expect(await stores().accountTokens.find(orphan.tokenHash)).toBeNull();
    });

    it("supersedeForUser supersedes that account's unused tokens of the given purposes", async () => {
      const user = await stores().users.create(newUser());
      const other = await stores().users.create(newUser());
      const used = await issued(stores(), "email_verification", user);
      await stores().accountTokens.redeem(used.token.tokenHash, { kind: "verify_email" }, at(1));
      const verify = await issued(stores(), "email_verification", user, { createdAt: at(2) });
      const change = await issued(stores(), "email_change", user, { email: `${randomUUID()}@new.test` });
      const reset = await issued(stores(), "password_reset", user);
      const theirs = await issued(stores(), "email_verification", other);
      await stores().accountTokens.supersedeForUser(user.id, ["email_verification", "email_change"], at(3));
      expect(await stateOf(stores(), verify.token)).toEqual({ usedAt: null, supersededAt: at(3) });
      expect(await stateOf(stores(), change.token)).toEqual({ usedAt: null, supersededAt: at(3) });
      expect(await stateOf(stores(), used.token)).toEqual({ usedAt: at(1), supersededAt: null });
      expect(await stateOf(stores(), reset.token)).toEqual(UNUSED);
      expect(await stateOf(stores(), theirs.token)).toEqual(UNUSED);
      await expect(stores().accountTokens.supersedeForUser("not-a-uuid", ["invite"], at(3))).resolves.toBeUndefined();
    });

    redemptionContract(stores);
    rehearsalContract(stores);
  });
}
