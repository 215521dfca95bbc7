import { authFixture, rejection } from "../support/auth-fixture";
import { lastToken, mailsTo } from "./account-mail";

const ADA = "ada@example.com";
const NEW_PASSWORD = "a brand new passphrase";

async function requested(fx: ReturnType<typeof authFixture>, email = ADA) {
  expect(await fx.auth.resets.requestReset(email, fx.client)).toBe(true);
  // The lookup, token and mail happen after the answer.
  await fx.auth.maintenance.settle();
}

describe("PasswordResetService", () => {
  it("mails a reset link to a known address only, answering true for both", async () => {
    const fx = authFixture();
    await fx.signup(ADA);
    await requested(fx, " ADA@Example.com ");
    await requested(fx, "nobody@example.com");
    const link = mailsTo(fx.stores.mail, ADA, "reset-password")[0]?.link;
    expect(link).toMatch(/^https:\/\/app\.example\.test\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    expect(fx.stores.mail.rows.filter((m) => m.to === "nobody@example.com")).toEqual([]);
    const requests = (await fx.audit.list({ first: 10, type: "password_reset_requested" })).map((e) => e.detail?.known);
    expect(requests.sort()).toEqual([false, true]);
  });

  it("runs an issue's write for an unknown or disabled address too, and rolls it back", async () => {
    const fx = authFixture();
    const admin = await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password" });
    const ada = await fx.signup(ADA);
    await fx.auth.admin.disable({ userId: admin.user.id, client: fx.client }, ada.user.id);
    const rehearse = jest.spyOn(fx.stores.accountTokens, "rehearse");
    const tokensBefore = fx.stores.accountTokens.tokens.size;
    await requested(fx, "nobody@example.com");
    await requested(fx, ADA);
    expect(rehearse.mock.calls.map(([token]) => [token.purpose, token.email, token.userId])).toEqual([
      ["invite", "nobody@example.com", null],
      ["password_reset", ADA, ada.user.id],
    ]);
    expect(fx.stores.accountTokens.tokens.size).toBe(tokensBefore);
    expect(mailsTo(fx.stores.mail, ADA, "reset-password")).toEqual([]);
    expect(fx.stores.mail.rows.filter((m) => m.to === "nobody@example.com")).toEqual([]);
  });

  it("sets the password, ends every session, verifies the email and signs in anew", async () => {
    const fx = authFixture();
    const first = await fx.signup(ADA);
    const second = await fx.auth.accounts.login({ email: ADA, password: "correct horse battery" }, fx.client);
    await requested(fx);
    const pair = await fx.auth.resets.reset({ token: lastToken(fx.stores.mail, ADA, "reset-password"), newPassword: NEW_PASSWORD }, fx.client);
    expect(pair.user).toMatchObject({ email: ADA, emailVerified: true });
    for (const old of [first, second]) {
      expect((await fx.auth.viewers.resolve(`Bearer ${old.accessToken}`)).reason).toBe("SESSION_REVOKED");
      expect(await rejection(fx.auth.refresh.refresh(old.refreshToken, fx.client))).toMatchObject({ code: "INVALID_REFRESH_TOKEN" });
    }
    expect((await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer?.user.id).toBe(pair.user.id);
    expect(await rejection(fx.auth.accounts.login({ email: ADA, password: "correct horse battery" }, fx.client))).toMatchObject({ code: "INVALID_CREDENTIALS" });
    await fx.auth.accounts.login({ email: ADA, password: NEW_PASSWORD }, fx.client);
  });

  it("spends a token once; a newer request supersedes it; it expires after 30 minutes", async () => {
    const fx = authFixture();
    await fx.signup(ADA);
    await requested(fx);
    const older = lastToken(fx.stores.mail, ADA, "reset-password");
    await requested(fx);
    const newer = lastToken(fx.stores.mail, ADA, "reset-password");
    const reset = (token: string) => fx.auth.resets.reset({ token, newPassword: NEW_PASSWORD }, fx.client);
    expect(await rejection(reset(older))).toMatchObject({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
    await reset(newer);
    expect(await rejection(reset(newer))).toMatchObject({ code: "INVALID_TOKEN", reason: "USED" });
    await requested(fx);
    const late = lastToken(fx.stores.mail, ADA, "reset-password");
    fx.clock.advance(30 * 60_000);
    expect(await rejection(reset(late))).toMatchObject({ code: "INVALID_TOKEN", reason: "EXPIRED" });
  });

  it("refuses a token of another purpose, and garbage, as UNKNOWN", async () => {
    const fx = authFixture();
    await fx.signup(ADA); // mails a verification link
    const verification = lastToken(fx.stores.mail, ADA, "verify-email");
    const reset = (token: string) => fx.auth.resets.reset({ token, newPassword: NEW_PASSWORD }, fx.client);
    expect(await rejection(reset(verification))).toMatchObject({ code: "INVALID_TOKEN", reason: "UNKNOWN" });
    expect(await rejection(reset("not a token"))).toMatchObject({ code: "INVALID_TOKEN", reason: "UNKNOWN" });
    // The verification token was not spent by the failed attempt.
    expect((await fx.auth.emails.verifyEmail(verification, fx.client)).emailVerified).toBe(true);
  });

  it("leaves the token usable when the new password breaks the policy", async () => {
    const fx = authFixture();
    await fx.signup(ADA);
    await requested(fx);
    const token = lastToken(fx.stores.mail, ADA, "reset-password");
    expect(await rejection(fx.auth.resets.reset({ token, newPassword: "short" }, fx.client))).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    await fx.auth.resets.reset({ token, newPassword: NEW_PASSWORD }, fx.client);
  });

  it("limits requests per address whether or not it has an account, and per network", async () => {
    const fx = authFixture({ limits: { mail_address: { points: 2, windowSeconds: 3600 }, mail_ip: { points: 5, windowSeconds: 3600 } } });
    await fx.signup(ADA);
    for (const email of [ADA, "nobody@example.com"]) {
      await fx.auth.resets.requestReset(email, fx.client);
      await fx.auth.resets.requestReset(email, fx.client);
      expect(await rejection(fx.auth.resets.requestReset(email, fx.client))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    }
    await fx.auth.resets.requestReset("third@example.com", fx.client);
    expect(await rejection(fx.auth.resets.requestReset("fourth@example.com", fx.client))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("answers MAIL_NOT_CONFIGURED for every caller alike when mail is off", async () => {
    const fx = authFixture({ accounts: { mailEnabled: false } });
    await fx.signup(ADA);
    for (const email of [ADA, "nobody@example.com"]) {
      expect(await rejection(fx.auth.resets.requestReset(email, fx.client))).toMatchObject({ code: "SERVICE_UNAVAILABLE", reason: "MAIL_NOT_CONFIGURED" });
    }
    expect(fx.stores.mail.rows).toEqual([]);
  });

  it("sends no link to a disabled account, and a link it got before stays dead after enabling", async () => {
    const fx = authFixture();
    const admin = await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password" });
    const ada = await fx.signup(ADA);
    await requested(fx);
    const token = lastToken(fx.stores.mail, ADA, "reset-password");
    await fx.auth.admin.disable({ userId: admin.user.id, client: fx.client }, ada.user.id);
    await requested(fx);
    expect(mailsTo(fx.stores.mail, ADA, "reset-password")).toHaveLength(1);
    expect(await rejection(fx.auth.resets.reset({ token, newPassword: NEW_PASSWORD }, fx.client))).toMatchObject({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
    await fx.auth.admin.enable({ userId: admin.user.id, client: fx.client }, ada.user.id);
    expect(await rejection(fx.auth.resets.reset({ token, newPassword: NEW_PASSWORD }, fx.client))).toMatchObject({ code: "INVALID_TOKEN", reason: "SUPERSEDED" });
  });
});
