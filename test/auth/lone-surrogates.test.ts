import { authFixture, rejection, viewerOf } from "../support/auth-fixture";

// argon2 receives the password as UTF-8, where every lone surrogate becomes U+FFFD: these three
// would all be one password.
const REPLACED = "correct horse \ufffd battery";
const HIGH = "correct horse \ud800 battery";
const LOW = "correct horse \udc00 battery";

describe("passwords with unpaired UTF-16 surrogates are refused wherever a password enters", () => {
  it.each([HIGH, LOW, "\ud800".repeat(8), `${"x".repeat(10)}\udfff`])("signup refuses %j on field password, before hashing", async (password) => {
    const fx = authFixture();
    const error = await rejection(fx.auth.signups.signup({ email: "ada@example.com", password }, fx.client));
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
    expect(fx.hasher.calls).toEqual({ hash: 0, verify: 0, dummy: 0 });
  });

  it("login refuses them (known and unknown email alike) without verifying anything", async () => {
    const fx = authFixture();
    await fx.signup("ada@example.com", REPLACED);
    const before = { ...fx.hasher.calls };
    for (const email of ["ada@example.com", "nobody@example.com"]) {
      for (const password of [HIGH, LOW]) {
        expect(await rejection(fx.auth.accounts.login({ email, password }, fx.client))).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
      }
    }
    expect(fx.hasher.calls).toEqual(before);
    await expect(fx.auth.accounts.login({ email: "ada@example.com", password: REPLACED }, fx.client)).resolves.toBeDefined();
  });

  it.each([
    ["currentPassword", { currentPassword: HIGH, newPassword: "a brand new password" }],
    ["newPassword", { currentPassword: REPLACED, newPassword: LOW }],
  ])("changePassword refuses one in %s", async (field, input) => {
    const fx = authFixture();
    const pair = await fx.signup("ada@example.com", REPLACED);
    const before = { ...fx.hasher.calls };
    const error = await rejection(fx.auth.passwords.changePassword(await viewerOf(fx, pair.accessToken), input, fx.client));
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(fx.hasher.calls).toEqual(before);
  });

  it("the bootstrap admin refuses one (a ConfigError at boot)", async () => {
    const fx = authFixture();
    expect(await rejection(fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: HIGH }))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "password",
    });
  });

  it("a well-formed astral character (a surrogate pair) is fine", async () => {
    const fx = authFixture();
    await expect(fx.signup("ada@example.com", "correct horse \u{1f40e} battery")).resolves.toBeDefined();
  });
});
