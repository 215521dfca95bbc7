import { randomUUID } from "node:crypto";
import type { TokenEffect } from "../../../src/auth/account-token-records";
import { at, newUser, type GetStores } from "./fixtures";
import { issued, stateOf, UNUSED } from "./account-token-fixtures";

const VERIFY: TokenEffect = { kind: "verify_email" };
const RESET: TokenEffect = { kind: "reset_password", passwordHash: "never-set" };

export function redemptionRefusalContract(stores: GetStores): void {
  describe("refusals (nothing written)", () => {
    it("UNKNOWN for no such token, and for a token of another purpose, which stays usable for its own", async () => {
      await expect(stores().accountTokens.redeem("f".repeat(64), VERIFY, at(1))).resolves.toEqual({ ok: false, reason: "UNKNOWN" });
      const user = await stores().users.create(newUser());
      const { token } = await issued(stores(), "email_verification", user);
      const invite: TokenEffect = { kind: "accept_invite", user: { id: randomUUID(), passwordHash: "h", createdAt: at(1) } };
      for (const effect of [RESET, { kind: "change_email" } as const, invite]) {
        await expect(stores().accountTokens.redeem(token.tokenHash, effect, at(1))).resolves.toEqual({ ok: false, reason: "UNKNOWN" });
      }
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ passwordHash: `hash-${user.id}`, credentialVersion: 0 });
      expect(await stateOf(stores(), token)).toEqual(UNUSED);
      await expect(stores().accountTokens.redeem(token.tokenHash, VERIFY, at(1))).resolves.toMatchObject({ ok: true });
    });

    it("EXPIRED from the expiry instant on; the token stays unused", async () => {
      const user = await stores().users.create(newUser());
      const { token } = await issued(stores(), "password_reset", user, { expiresAt: at(30) });
      await expect(stores().accountTokens.redeem(token.tokenHash, RESET, at(30))).resolves.toEqual({ ok: false, reason: "EXPIRED" });
      expect(await stateOf(stores(), token)).toEqual(UNUSED);
      expect(await stores().users.findById(user.id)).toEqual(user);
      const justBefore = new Date(at(30).getTime() - 1);
      await expect(stores().accountTokens.redeem(token.tokenHash, RESET, justBefore)).resolves.toMatchObject({ ok: true });
    });

    it("SUPERSEDED by a newer token of the same purpose", async () => {
      const user = await stores().users.create(newUser());
      const { token } = await issued(stores(), "password_reset", user);
      await issued(stores(), "password_reset", user, { createdAt: at(1) });
      await expect(stores().accountTokens.redeem(token.tokenHash, RESET, at(2))).resolves.toEqual({ ok: false, reason: "SUPERSEDED" });
      expect(await stores().users.findById(user.id)).toEqual(user);
    });

    it("SUPERSEDED when the account's address is no longer the one the link went to (verify and reset)", async () => {
      const user = await stores().users.create(newUser());
      const elsewhere = `${randomUUID()}@old.test`;
      const verify = await issued(stores(), "email_verification", user, { email: elsewhere });
      const reset = await issued(stores(), "password_reset", user, { email: elsewhere });
      await expect(stores().accountTokens.redeem(verify.token.tokenHash, VERIFY, at(1))).resolves.toEqual({ ok: false, reason: "SUPERSEDED" });
      await expect(stores().accountTokens.redeem(reset.token.tokenHash, RESET, at(1))).resolves.toEqual({ ok: false, reason: "SUPERSEDED" });
      for (const t of [verify.token, reset.token]) expect(await stateOf(stores(), t)).toEqual(UNUSED);
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ emailVerified: false, credentialVersion: 0, passwordHash: `hash-${user.id}` });
    });

    it("precedence: UNKNOWN (other purpose) > USED > SUPERSEDED > EXPIRED", async () => {
      const user = await stores().users.create(newUser());
      const used = await issued(stores(), "email_verification", user, { expiresAt: at(10) });
      await stores().accountTokens.redeem(used.token.tokenHash, VERIFY, at(1));
      const superseded = await issued(stores(), "password_reset", user, { expiresAt: at(10) });
      await issued(stores(), "password_reset", user, { createdAt: at(2) });
      const late = at(20);
      await expect(stores().accountTokens.redeem(used.token.tokenHash, RESET, late)).resolves.toEqual({ ok: false, reason: "UNKNOWN" });
      await expect(stores().accountTokens.redeem(used.token.tokenHash, VERIFY, late)).resolves.toEqual({ ok: false, reason: "USED" });
      await expect(stores().accountTokens.redeem(superseded.token.tokenHash, RESET, late)).resolves.toEqual({ ok: false, reason: "SUPERSEDED" });
      // Used, and the address has moved away since: still USED. (A token is never both used and
      // superseded: each write skips tokens the other has marked.)
      const change = await issued(stores(), "email_change", user, { email: `${randomUUID()}@new.test`, createdAt: at(3) });
      await stores().accountTokens.redeem(change.token.tokenHash, { kind: "change_email" }, at(4));
      await expect(stores().accountTokens.redeem(used.token.tokenHash, VERIFY, late)).resolves.toEqual({ ok: false, reason: "USED" });
    });
  });
}
