import { randomUUID } from "node:crypto";
import { at, newUser, type GetStores } from "./fixtures";
import { accountToken, issued, mailFor, stateOf, UNUSED } from "./account-token-fixtures";

/** AccountTokenStore.rehearse: an issue's work, rolled back (the cost of a reset for an unknown address). */
export function rehearsalContract(stores: GetStores): void {
  describe("AccountTokenStore.rehearse", () => {
    it("leaves no trace: no token, no mail, and the earlier links stay live", async () => {
      const user = await stores().users.create(newUser());
      const reset = await issued(stores(), "password_reset", user);
      const invite = await issued(stores(), "invite", null);
      for (const [purpose, owner, email] of [["password_reset", user, user.email], ["invite", null, invite.token.email]] as const) {
        const token = accountToken(purpose, owner, { email, createdAt: at(5) });
        const mail = mailFor(token);
        await stores().accountTokens.rehearse(token, mail);
        expect(await stores().accountTokens.find(token.tokenHash)).toBeNull();
        expect(await stores().queuedMail(mail.id)).toBeNull();
        // The same ids are still free: nothing of the rehearsal was kept.
        await stores().accountTokens.issue({ ...token, createdAt: at(6) }, mail);
        expect(await stateOf(stores(), token)).toEqual(UNUSED);
      }
      expect(await stateOf(stores(), reset.token)).toEqual({ usedAt: null, supersededAt: at(6) });
      expect(await stateOf(stores(), invite.token)).toEqual({ usedAt: null, supersededAt: at(6) });
    });

    it("supersedes nothing on its own", async () => {
      const user = await stores().users.create(newUser());
      const reset = await issued(stores(), "password_reset", user);
      const invite = await issued(stores(), "invite", null);
      await stores().accountTokens.rehearse(accountToken("password_reset", user, { createdAt: at(5) }), mailFor(reset.token));
      const again = accountToken("invite", null, { email: invite.token.email, createdAt: at(5) });
      await stores().accountTokens.rehearse(again, mailFor(again));
      expect(await stateOf(stores(), reset.token)).toEqual(UNUSED);
      expect(await stateOf(stores(), invite.token)).toEqual(UNUSED);
    });

    it("fails where issue would, writing nothing", async () => {
      const orphan = accountToken("password_reset", { ...(await stores().users.create(newUser())), id: randomUUID() });
      const mail = mailFor(orphan);
      await expect(stores().accountTokens.rehearse(orphan, mail)).rejects.toThrow();
      expect(await stores().queuedMail(mail.id)).toBeNull();
    });
  });
}
