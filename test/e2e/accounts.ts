import { type NewDatabase, serverWithMail } from "../support/accounts";
import { describeUserAdmin } from "./accounts-admin";
import { describeMailDelivery } from "./accounts-delivery";
import { describeOwnAccount } from "./accounts-own";
import { describeInvitations, describeRequiredVerification } from "./accounts-signup";
import { describeMailedTokens } from "./accounts-tokens";

/**
 * The account flows end to end: real HTTP, real argon2, a real SMTP server receiving the mails
 * (parsed back with mailparser) and the tokens read out of their links. Run once per engine.
 */
export function describeAccounts(engine: string, newDatabase: NewDatabase): void {
  describe(`accounts over HTTP with real mail on ${engine}`, () => {
    describe("in the default settings (open signup)", () => {
      // Session states cached far longer than 1 s: whatever must take effect at once (a disable, a
      // reset, a verification) has to be pushed to the cache, not wait for it to expire.
      const t = serverWithMail(newDatabase, { env: { SESSION_CACHE_TTL: "30s" } });
      describe("verification and password reset", () => describeMailedTokens(t));
      describe("email change and deletion", () => describeOwnAccount(t));
      describe("user administration", () => describeUserAdmin(t));
    });
    describe("invitations", () => describeInvitations(newDatabase));
    describe("REQUIRE_EMAIL_VERIFICATION=true", () => describeRequiredVerification(newDatabase));
    describe("mail delivery", () => describeMailDelivery(newDatabase));
  });
}
