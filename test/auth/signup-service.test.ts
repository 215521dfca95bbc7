import { authFixture, rejection } from "../support/auth-fixture";
import { lastToken, mailsTo } from "./account-mail";

const PASSWORD = "correct horse battery";

describe("SignupService with REQUIRE_EMAIL_VERIFICATION", () => {
  const fixture = () => authFixture({ accounts: { requireEmailVerification: true } });

  it("answers a new and an already registered address alike, and pays one argon2 hash for each", async () => {
    const fx = fixture();
    const fresh = await rejection(fx.auth.signups.signup({ email: "ada@example.com", password: PASSWORD }, fx.client));
    const hashesAfterFirst = fx.hasher.calls.hash;
    const again = await rejection(fx.auth.signups.signup({ email: "ADA@example.com", password: "another passphrase here" }, fx.client));
    expect(fresh).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });
    expect({ code: again.code, message: again.message, reason: again.reason }).toEqual({ code: fresh.code, message: fresh.message, reason: fresh.reason });
    expect(fx.hasher.calls.hash - hashesAfterFirst).toBe(hashesAfterFirst);
    expect(mailsTo(fx.stores.mail, "ada@example.com").map((m) => m.kind)).toEqual(["verify-email", "signup-existing-account"]);
    expect(mailsTo(fx.stores.mail, "ada@example.com", "signup-existing-account")[0]?.link).toBeNull();
  });

  it("refuses login before verification (after the right password only, with a fresh link) and signs in after", async () => {
    const fx = fixture();
    await rejection(fx.auth.signups.signup({ email: "ada@example.com", password: PASSWORD }, fx.client));
    const login = (password: string) => fx.auth.accounts.login({ email: "ada@example.com", password }, fx.client);
    expect(await rejection(login("wrong password!"))).toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect(mailsTo(fx.stores.mail, "ada@example.com", "verify-email")).toHaveLength(1);
    expect(await rejection(login(PASSWORD))).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });
    expect(mailsTo(fx.stores.mail, "ada@example.com", "verify-email")).toHaveLength(2);
    await fx.auth.emails.verifyEmail(lastToken(fx.stores.mail, "ada@example.com", "verify-email"), fx.client);
    expect((await login(PASSWORD)).user.emailVerified).toBe(true);
  });

  it("stops mailing an address once its budget is spent, without changing the answer", async () => {
    const fx = authFixture({ accounts: { requireEmailVerification: true }, limits: { mail_address: { points: 2, windowSeconds: 3600 } } });
    for (let i = 0; i < 4; i++) {
      expect(await rejection(fx.auth.signups.signup({ email: "ada@example.com", password: PASSWORD }, fx.client))).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });
    }
    // The first signup's link and the notices share the address's budget (2): the rest are dropped.
    expect(mailsTo(fx.stores.mail, "ada@example.com").map((m) => m.kind)).toEqual(["verify-email", "signup-existing-account"]);
  });

  it("answers MAIL_NOT_CONFIGURED when no mail can be sent (nobody could ever verify)", async () => {
    const fx = authFixture({ accounts: { requireEmailVerification: true, mailEnabled: false } });
    expect(await rejection(fx.signup("ada@example.com"))).toMatchObject({ code: "SERVICE_UNAVAILABLE", reason: "MAIL_NOT_CONFIGURED" });
  });
});

describe("SignupService, verification optional (default)", () => {
  it("signs in at once and still mails a link; without mail it signs in and mails nothing", async () => {
    const fx = authFixture();
    expect((await fx.signup("ada@example.com")).user.emailVerified).toBe(false);
    expect(mailsTo(fx.stores.mail, "ada@example.com", "verify-email")).toHaveLength(1);
    const off = authFixture({ accounts: { mailEnabled: false } });
    await off.signup("ada@example.com");
    expect(off.stores.mail.rows).toEqual([]);
  });
});

describe("SignupService, open signup", () => {
  it("writes the account, its session and the signup event with one store call, and the pair works", async () => {
    const fx = authFixture();
    const createUser = jest.spyOn(fx.stores.users, "create");
    const createSession = jest.spyOn(fx.stores.sessions, "create");
    const pair = await fx.signup("grace@example.com");
    expect(createUser).toHaveBeenCalledTimes(1);
    expect(createUser.mock.calls[0]?.[1]?.session.id).toBe(pair.sessionId);
    expect(createSession).not.toHaveBeenCalled();
    expect(fx.stores.audit.events.filter((e) => e.type === "signup")).toEqual([
      expect.objectContaining({ userId: pair.user.id, sessionId: pair.sessionId, ip: fx.client.ip }),
    ]);
    expect((await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer).toEqual({ user: pair.user, sessionId: pair.sessionId });
    await expect(fx.auth.refresh.refresh(pair.refreshToken, fx.client)).resolves.toMatchObject({ sessionId: pair.sessionId });
  });

  it("a taken address is EMAIL_TAKEN and opens no session", async () => {
    const fx = authFixture();
    await fx.signup("grace@example.com");
    expect((await rejection(fx.signup("grace@example.com"))).code).toBe("EMAIL_TAKEN");
    expect(fx.stores.sessions.sessions.size).toBe(1);
    expect(fx.stores.audit.events.filter((e) => e.type === "signup")).toHaveLength(1);
  });
});
