import { adminToken, bodyText, dataOf, errorOf, loginPair, me, type NewDatabase, OPS, PASSWORD, serverWithMail, signupPair } from "../support/accounts";
import { linkToken } from "../support/mailbox";
import { login } from "../support/server";
import type { CapturedMail } from "../support/smtp-capture";

const EXISTING_NOTICE = /^Sign-up attempt with your/;
const tokenOf = (mail: CapturedMail) => linkToken(mail, "accept-invite");

/** SIGNUP_MODE invite and closed: only invitations open accounts. */
export function describeInvitations(newDatabase: NewDatabase): void {
  describe("SIGNUP_MODE=invite", () => {
    const t = serverWithMail(newDatabase, { env: { SIGNUP_MODE: "invite" } });

    it("refuses a signup without an invitation; an invitation signs its address up with its role, verified, once", async () => {
      expect(errorOf(await t.server.gql(OPS.signup, { e: "walk-in@example.test", p: PASSWORD, t: null }))).toEqual({ code: "FORBIDDEN", reason: "INVITE_REQUIRED" });
      const admin = await adminToken(t.server);
      expect(dataOf(await t.server.gql(OPS.createInvite, { e: "Invited@Example.test", r: "ADMIN" }, { token: admin }))).toEqual({ createInvite: true });
      const mail = await t.mailbox.next("invited@example.test", "accept-invite");
      expect(mail.text).toContain("ADMIN");
      const token = tokenOf(mail);
      // The link is for the address it was sent to, not for whoever holds it.
      expect(errorOf(await t.server.gql(OPS.signup, { e: "thief@example.test", p: PASSWORD, t: token }))).toEqual({ code: "INVALID_TOKEN", reason: "UNKNOWN" });

      const pair = await signupPair(t.server, "invited@example.test", PASSWORD, token);
      expect(pair.user).toMatchObject({ email: "invited@example.test", role: "ADMIN", emailVerified: true });
      expect(dataOf(await me(t.server, pair.accessToken)).me).toMatchObject({ role: "ADMIN", emailVerified: true });
      expect(errorOf(await t.server.gql(OPS.signup, { e: "invited@example.test", p: PASSWORD, t: token }))).toEqual({ code: "INVALID_TOKEN", reason: "USED" });
      // An invitation to an address that already has an account is refused.
      expect(errorOf(await t.server.gql(OPS.createInvite, { e: "invited@example.test" }, { token: admin }))).toMatchObject({ code: "EMAIL_TAKEN" });
    });

    it("a newer invitation supersedes the earlier one", async () => {
      const admin = await adminToken(t.server);
      await t.server.gql(OPS.createInvite, { e: "twice@example.test" }, { token: admin });
      const older = tokenOf(await t.mailbox.next("twice@example.test", "accept-invite"));
      await t.server.gql(OPS.createInvite, { e: "twice@example.test" }, { token: admin });
      const newer = tokenOf(await t.mailbox.next("twice@example.test", "accept-invite"));
      expect(errorOf(await t.server.gql(OPS.signup, { e: "twice@example.test", p: PASSWORD, t: older }))).toEqual({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
      expect((await signupPair(t.server, "twice@example.test", PASSWORD, newer)).user.role).toBe("USER");
    });
  });

  describe("SIGNUP_MODE=closed", () => {
    const t = serverWithMail(newDatabase, { env: { SIGNUP_MODE: "closed" } });

    it("refuses every signup without an invitation, and still honours one", async () => {
      expect(errorOf(await t.server.gql(OPS.signup, { e: "closed@example.test", p: PASSWORD, t: null }))).toEqual({ code: "FORBIDDEN", reason: "SIGNUP_CLOSED" });
      await t.server.gql(OPS.createInvite, { e: "closed@example.test" }, { token: await adminToken(t.server) });
      const token = await t.mailbox.token("closed@example.test", "accept-invite");
      expect((await signupPair(t.server, "closed@example.test", PASSWORD, token)).user.emailVerified).toBe(true);
    });
  });
}

/** REQUIRE_EMAIL_VERIFICATION=true: no session before the address is proven, and no enumeration through signup. */
export function describeRequiredVerification(newDatabase: NewDatabase): void {
  const t = serverWithMail(newDatabase, { env: { REQUIRE_EMAIL_VERIFICATION: "true" } });

  it("signup answers a new and an existing address identically (EMAIL_NOT_VERIFIED); the existing owner is told by mail", async () => {
    const fresh = await bodyText(t.server, OPS.signup, { e: "first@example.test", p: PASSWORD, t: null });
    const existing = await bodyText(t.server, OPS.signup, { e: "first@example.test", p: "another passphrase 5", t: null });
    expect(fresh.text).toContain('"code":"EMAIL_NOT_VERIFIED"');
    expect(existing).toEqual(fresh);
    await t.mailbox.next("first@example.test", "verify-email");
    const notice = await t.mailbox.next("first@example.test", EXISTING_NOTICE);
    expect(notice.text).not.toMatch(/token=/);
  });

  it("login before verification is refused with EMAIL_NOT_VERIFIED and mails a fresh link; after verifying, it signs in", async () => {
    const address = "unverified@example.test";
    expect(errorOf(await t.server.gql(OPS.signup, { e: address, p: PASSWORD, t: null }))).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });
    const first = await t.mailbox.token(address, "verify-email");
    expect(errorOf(await login(t.server, address))).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });
    const fresh = await t.mailbox.token(address, "verify-email");
    expect(fresh).not.toBe(first);
    // Only after the right password: a guesser learns nothing and triggers no mail.
    expect(errorOf(await login(t.server, address, "wrong password!"))).toEqual({ code: "INVALID_CREDENTIALS" });
    expect(errorOf(await t.server.gql(OPS.verifyEmail, { t: first }))).toEqual({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
    expect(dataOf(await t.server.gql(OPS.verifyEmail, { t: fresh })).verifyEmail.emailVerified).toBe(true);
    const pair = await loginPair(t.server, address);
    expect(dataOf(await me(t.server, pair.accessToken)).me.emailVerified).toBe(true);
    expect(t.mailbox.received(address, "verify-email")).toHaveLength(2);
  });
}
