import { authFixture, rejection } from "../support/auth-fixture";
import { lastToken, mailsTo } from "./account-mail";

const ADA = "ada@example.com";
const PASSWORD = "correct horse battery";

describe("EmailService: verification", () => {
  it("signup mails a verification link; verifyEmail marks the address verified once", async () => {
    const fx = authFixture();
    const pair = await fx.signup(ADA);
    expect(pair.user.emailVerified).toBe(false);
    const token = lastToken(fx.stores.mail, ADA, "verify-email");
    expect(mailsTo(fx.stores.mail, ADA, "verify-email")[0]?.link).toBe(`https://app.example.test/verify-email?token=${token}`);
    expect((await fx.auth.emails.verifyEmail(token, fx.client)).emailVerified).toBe(true);
    expect((await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer?.user.emailVerified).toBe(true);
    expect(await rejection(fx.auth.emails.verifyEmail(token, fx.client))).toMatchObject({ code: "INVALID_TOKEN", reason: "USED" });
  });

  it("requestEmailVerification supersedes the earlier link, and sends nothing once verified", async () => {
    const fx = authFixture();
    const pair = await fx.signup(ADA);
    const viewer = (await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer!;
    const first = lastToken(fx.stores.mail, ADA, "verify-email");
    await fx.auth.emails.requestVerification(viewer, fx.client);
    const second = lastToken(fx.stores.mail, ADA, "verify-email");
    expect(await rejection(fx.auth.emails.verifyEmail(first, fx.client))).toMatchObject({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
    fx.clock.advance(24 * 3600_000);
    expect(await rejection(fx.auth.emails.verifyEmail(second, fx.client))).toMatchObject({ code: "INVALID_TOKEN", reason: "EXPIRED" });
    await fx.auth.emails.requestVerification(viewer, fx.client);
    const verified = await fx.auth.emails.verifyEmail(lastToken(fx.stores.mail, ADA, "verify-email"), fx.client);
    const sent = mailsTo(fx.stores.mail, ADA, "verify-email").length;
    expect(await fx.auth.emails.requestVerification({ ...viewer, user: verified }, fx.client)).toBe(true);
    expect(mailsTo(fx.stores.mail, ADA, "verify-email")).toHaveLength(sent);
  });
});

describe("EmailService: email change", () => {
  async function signedIn(fx: ReturnType<typeof authFixture>, email = ADA) {
    const pair = await fx.signup(email);
    return (await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer!;
  }

  it("re-authenticates, mails the new address a link and the old one a notice, and changes on confirm", async () => {
    const fx = authFixture();
    const viewer = await signedIn(fx);
    const change = (currentPassword: string) => fx.auth.emails.requestChange(viewer, { newEmail: "Ada@New.example", currentPassword }, fx.client);
    expect(await rejection(change("wrong password!"))).toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect(await change(PASSWORD)).toBe(true);
    await fx.auth.maintenance.settle();
    expect(mailsTo(fx.stores.mail, ADA, "email-change-notice")[0]?.facts).toEqual({ newEmail: "ada@new.example" });
    const token = lastToken(fx.stores.mail, "ada@new.example", "confirm-email-change");
    // Nothing changed yet.
    await fx.auth.accounts.login({ email: ADA, password: PASSWORD }, fx.client);
    const user = await fx.auth.emails.confirmChange(token, fx.client);
    expect(user).toMatchObject({ email: "ada@new.example", emailVerified: true });
    expect(await rejection(fx.auth.accounts.login({ email: ADA, password: PASSWORD }, fx.client))).toMatchObject({ code: "INVALID_CREDENTIALS" });
    await fx.auth.accounts.login({ email: "ada@new.example", password: PASSWORD }, fx.client);
  });

  it("does not tell whether the new address has an account, and refuses the change if it is taken by confirm time", async () => {
    const fx = authFixture();
    const viewer = await signedIn(fx);
    await fx.signup("taken@example.com");
    expect(await fx.auth.emails.requestChange(viewer, { newEmail: "taken@example.com", currentPassword: PASSWORD }, fx.client)).toBe(true);
    await fx.auth.maintenance.settle();
    expect(mailsTo(fx.stores.mail, "taken@example.com", "confirm-email-change")).toEqual([]);
    await fx.auth.emails.requestChange(viewer, { newEmail: "free@example.com", currentPassword: PASSWORD }, fx.client);
    await fx.auth.maintenance.settle();
    const token = lastToken(fx.stores.mail, "free@example.com", "confirm-email-change");
    await fx.signup("free@example.com");
    expect(await rejection(fx.auth.emails.confirmChange(token, fx.client))).toMatchObject({ code: "EMAIL_TAKEN" });
  });

  it("supersedes the earlier change link whether or not the new address is taken (no oracle through an old link)", async () => {
    for (const target of ["taken@example.com", "free@example.com"]) {
      const fx = authFixture();
      const viewer = await signedIn(fx);
      await fx.signup("taken@example.com");
      await fx.auth.emails.requestChange(viewer, { newEmail: "mine@example.com", currentPassword: PASSWORD }, fx.client);
      await fx.auth.maintenance.settle();
      const mine = lastToken(fx.stores.mail, "mine@example.com", "confirm-email-change");
      await fx.auth.emails.requestChange(viewer, { newEmail: target, currentPassword: PASSWORD }, fx.client);
      await fx.auth.maintenance.settle();
      expect(await rejection(fx.auth.emails.confirmChange(mine, fx.client))).toMatchObject({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
    }
  });

  it("a pending change dies with a password reset, a password change or a disable (no takeover by whoever requested it)", async () => {
    const attacks = {
      reset: async (fx: ReturnType<typeof authFixture>) => {
        await fx.auth.resets.requestReset(ADA, fx.client);
        await fx.auth.maintenance.settle();
        await fx.auth.resets.reset({ token: lastToken(fx.stores.mail, ADA, "reset-password"), newPassword: "the owner's new passphrase" }, fx.client);
      },
      change: async (fx: ReturnType<typeof authFixture>) => {
        const login = await fx.auth.accounts.login({ email: ADA, password: PASSWORD }, fx.client);
        const owner = (await fx.auth.viewers.resolve(`Bearer ${login.accessToken}`)).viewer!;
        await fx.auth.passwords.changePassword(owner, { currentPassword: PASSWORD, newPassword: "the owner's new passphrase" }, fx.client);
      },
      disable: async (fx: ReturnType<typeof authFixture>) => {
        const admin = await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password" });
        const ada = await fx.auth.admin.findUser(ADA);
        await fx.auth.admin.disable({ userId: admin.user.id, client: fx.client }, ada!.id);
        await fx.auth.admin.enable({ userId: admin.user.id, client: fx.client }, ada!.id);
      },
    };
    for (const [name, ownerActs] of Object.entries(attacks)) {
      const fx = authFixture();
      const thief = await signedIn(fx);
      await fx.auth.emails.requestChange(thief, { newEmail: "thief@evil.example", currentPassword: PASSWORD }, fx.client);
      await fx.auth.maintenance.settle();
      const stolen = lastToken(fx.stores.mail, "thief@evil.example", "confirm-email-change");
      await ownerActs(fx);
      const refused = await rejection(fx.auth.emails.confirmChange(stolen, fx.client));
      expect({ name, code: refused.code, reason: refused.reason }).toEqual({ name, code: "INVALID_TOKEN", reason: "SUPERSEDED" });
    }
  });

  it("a wrong current password counts toward the login failure budget", async () => {
    const fx = authFixture({ limits: { login_failures: { points: 2, windowSeconds: 900 } } });
    const viewer = await signedIn(fx);
    const change = () => fx.auth.emails.requestChange(viewer, { newEmail: "x@example.com", currentPassword: "wrong password!" }, fx.client);
    await rejection(change());
    await rejection(fx.auth.accounts.deleteAccount(viewer, "wrong password!", fx.client));
    expect(await rejection(fx.auth.accounts.login({ email: ADA, password: PASSWORD }, fx.client))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });
});

describe("AccountService.deleteAccount", () => {
  it("re-checks the password, then removes the account, its sessions and tokens; the trail keeps the id only", async () => {
    const fx = authFixture();
    const pair = await fx.signup(ADA);
    const viewer = (await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer!;
    const verification = lastToken(fx.stores.mail, ADA, "verify-email");
    expect(await rejection(fx.auth.accounts.deleteAccount(viewer, "wrong password!", fx.client))).toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect(await fx.auth.accounts.deleteAccount(viewer, PASSWORD, fx.client)).toBe(true);
    expect((await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).reason).toBe("SESSION_REVOKED");
    expect(await rejection(fx.auth.refresh.refresh(pair.refreshToken, fx.client))).toMatchObject({ code: "INVALID_REFRESH_TOKEN" });
    expect(await rejection(fx.auth.emails.verifyEmail(verification, fx.client))).toMatchObject({ code: "INVALID_TOKEN", reason: "UNKNOWN" });
    // Its mail went with it (the queue held the live link).
    expect(mailsTo(fx.stores.mail, ADA)).toEqual([]);
    const trail = await fx.audit.list({ first: 20, userId: pair.user.id });
    expect(trail.map((e) => e.type)).toContain("account_deleted");
    for (const event of trail) expect({ ip: event.ip, userAgent: event.userAgent, email: event.detail?.email }).toEqual({ ip: null, userAgent: null, email: undefined });
    // The address is free for a new account.
    await fx.signup(ADA);
  });
});
