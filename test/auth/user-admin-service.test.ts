import { authFixture, rejection } from "../support/auth-fixture";
import { lastToken, mailsTo } from "./account-mail";

const PASSWORD = "correct horse battery";

async function withAdmin(options: Parameters<typeof authFixture>[0] = {}) {
  const fx = authFixture(options);
  const admin = await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password" });
  const actor = { userId: admin.user.id, client: fx.client };
  return { ...fx, admin: admin.user, actor };
}

describe("UserAdminService", () => {
  it("disable ends every session at once and refuses login (told only after the right password) and refresh; enable lets the user sign in again", async () => {
    const fx = await withAdmin();
    const ada = await fx.signup("ada@example.com");
    const disabled = await fx.auth.admin.disable(fx.actor, ada.user.id);
    expect(disabled.disabled).toBe(true);
    expect((await fx.auth.viewers.resolve(`Bearer ${ada.accessToken}`)).reason).toBe("SESSION_REVOKED");
    expect(await rejection(fx.auth.refresh.refresh(ada.refreshToken, fx.client))).toMatchObject({ code: "INVALID_REFRESH_TOKEN" });
    expect(await rejection(fx.auth.accounts.login({ email: "ada@example.com", password: "wrong password!" }, fx.client))).toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect(await rejection(fx.auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, fx.client))).toMatchObject({
      code: "FORBIDDEN",
      reason: "ACCOUNT_DISABLED",
    });
    expect((await fx.auth.admin.enable(fx.actor, ada.user.id)).disabled).toBe(false);
    // Ended sessions stay ended; a new login works.
    expect((await fx.auth.viewers.resolve(`Bearer ${ada.accessToken}`)).reason).toBe("SESSION_REVOKED");
    await fx.auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, fx.client);
    const types = (await fx.audit.list({ first: 20, userId: ada.user.id })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["user_disabled", "user_enabled"]));
  });

  it("refuses to disable or delete oneself, and the last enabled admin", async () => {
    const fx = await withAdmin();
    for (const act of [() => fx.auth.admin.disable(fx.actor, fx.admin.id), () => fx.auth.admin.deleteUser(fx.actor, fx.admin.id)]) {
      expect(await rejection(act())).toMatchObject({ code: "FORBIDDEN", reason: "SELF_TARGETED" });
    }
    const cli = { userId: null, client: fx.client };
    expect(await rejection(fx.auth.admin.disable(cli, fx.admin.id))).toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
    expect(await rejection(fx.auth.admin.deleteUser(cli, fx.admin.id))).toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
  });

  it("revokeSessions counts what it ended; deleteUser removes the account and answers false for an unknown one", async () => {
    const fx = await withAdmin();
    const ada = await fx.signup("ada@example.com");
    await fx.auth.accounts.login({ email: "ada@example.com", password: PASSWORD }, fx.client);
    expect(await fx.auth.admin.revokeSessions(fx.actor, ada.user.id)).toBe(2);
    expect(await fx.auth.admin.revokeSessions(fx.actor, ada.user.id)).toBe(0);
    expect(await fx.auth.admin.deleteUser(fx.actor, ada.user.id)).toBe(true);
    expect(await fx.auth.admin.deleteUser(fx.actor, ada.user.id)).toBe(false);
    expect(await fx.auth.admin.findUser("ada@example.com")).toBeNull();
    expect(await rejection(fx.auth.admin.disable(fx.actor, "not-a-uuid"))).toMatchObject({ code: "BAD_USER_INPUT", field: "userId" });
  });

  it("createUser makes a verified account under the password policy; findUser takes an id or an email", async () => {
    const fx = await withAdmin();
    const bob = await fx.auth.admin.createUser(fx.actor, { email: "Bob@Example.com", password: "another good passphrase", role: "ADMIN" });
    expect(bob).toMatchObject({ email: "bob@example.com", role: "ADMIN", emailVerified: true, disabled: false });
    expect((await fx.auth.admin.findUser(bob.id))?.email).toBe("bob@example.com");
    expect((await fx.auth.admin.findUser(" BOB@example.com"))?.id).toBe(bob.id);
    expect(await rejection(fx.auth.admin.createUser(fx.actor, { email: "c@example.com", password: "short", role: "USER" }))).toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("an invitation signs up its address with its role, verified; a newer one supersedes it; other addresses are refused", async () => {
    const fx = await withAdmin({ accounts: { signupMode: "invite" } });
    await fx.auth.admin.createInvite(fx.actor, "eve@example.com", "ADMIN");
    const first = lastToken(fx.stores.mail, "eve@example.com", "invite");
    await fx.auth.admin.createInvite(fx.actor, "eve@example.com", "ADMIN");
    const invite = lastToken(fx.stores.mail, "eve@example.com", "invite");
    expect(mailsTo(fx.stores.mail, "eve@example.com", "invite").at(-1)?.facts).toEqual({ role: "ADMIN" });
    const signup = (email: string, inviteToken?: string) => fx.auth.signups.signup({ email, password: PASSWORD, inviteToken }, fx.client);
    expect(await rejection(signup("eve@example.com"))).toMatchObject({ code: "FORBIDDEN", reason: "INVITE_REQUIRED" });
    expect(await rejection(signup("eve@example.com", first))).toMatchObject({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
    expect(await rejection(signup("mallory@example.com", invite))).toMatchObject({ code: "INVALID_TOKEN", reason: "UNKNOWN" });
    const pair = await signup("eve@example.com", invite);
    expect(pair.user).toMatchObject({ email: "eve@example.com", role: "ADMIN", emailVerified: true });
    expect(await rejection(signup("eve@example.com", invite))).toMatchObject({ code: "INVALID_TOKEN", reason: "USED" });
    expect(await rejection(fx.auth.admin.createInvite(fx.actor, "eve@example.com", "USER"))).toMatchObject({ code: "EMAIL_TAKEN" });
  });

  it("closed signup refuses everyone without an invitation", async () => {
    const fx = await withAdmin({ accounts: { signupMode: "closed" } });
    expect(await rejection(fx.signup("ada@example.com"))).toMatchObject({ code: "FORBIDDEN", reason: "SIGNUP_CLOSED" });
    await fx.auth.admin.createInvite(fx.actor, "ada@example.com", "USER");
    const invite = lastToken(fx.stores.mail, "ada@example.com", "invite");
    await fx.auth.signups.signup({ email: "ada@example.com", password: PASSWORD, inviteToken: invite }, fx.client);
  });
});
