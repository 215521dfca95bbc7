import { authFixture, rejection, CLIENT, viewerOf } from "../support/auth-fixture";

const CURRENT = "correct horse battery";

describe("PasswordService.changePassword", () => {
  it("changes the password, ends every other session at once, and re-keys the current one", async () => {
    const fx = authFixture();
    const current = await fx.signup();
    const other = await fx.auth.accounts.login({ email: "ada@example.com", password: CURRENT }, fx.client);
    await fx.auth.viewers.resolve(`Bearer ${other.accessToken}`); // cached: invalidation must still apply
    const pair = await fx.auth.passwords.changePassword(await viewerOf(fx, current.accessToken), {
      currentPassword: CURRENT,
      newPassword: "a brand new password",
    }, fx.client);
    expect(pair.sessionId).toBe(current.sessionId);
    expect((await fx.auth.viewers.resolve(`Bearer ${other.accessToken}`)).reason).toBe("SESSION_REVOKED");
    expect((await rejection(fx.auth.refresh.refresh(other.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
    expect((await rejection(fx.auth.refresh.refresh(current.refreshToken, CLIENT))).code).toBe("INVALID_REFRESH_TOKEN");
    await expect(fx.auth.refresh.refresh(pair.refreshToken, CLIENT)).resolves.toMatchObject({ sessionId: current.sessionId });
    // The session lives on, but only under its new pair: earlier access tokens of it must refresh.
    expect((await fx.auth.viewers.resolve(`Bearer ${current.accessToken}`)).reason).toBe("TOKEN_EXPIRED");
    expect((await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer?.sessionId).toBe(current.sessionId);
    expect((await rejection(fx.auth.accounts.login({ email: "ada@example.com", password: CURRENT }, fx.client))).code).toBe(
      "INVALID_CREDENTIALS",
    );
    await expect(fx.auth.accounts.login({ email: "ada@example.com", password: "a brand new password" }, fx.client)).resolves.toBeDefined();
  });

  it("a wrong current password is INVALID_CREDENTIALS and changes nothing", async () => {
    const fx = authFixture();
    const current = await fx.signup();
    const other = await fx.auth.accounts.login({ email: "ada@example.com", password: CURRENT }, fx.client);
    const error = await rejection(
      fx.auth.passwords.changePassword(await viewerOf(fx, current.accessToken), { currentPassword: "wrong one!", newPassword: "another password" }, fx.client),
    );
    expect(error.code).toBe("INVALID_CREDENTIALS");
    expect((await fx.auth.viewers.resolve(`Bearer ${other.accessToken}`)).viewer).not.toBeNull();
    await expect(fx.auth.accounts.login({ email: "ada@example.com", password: CURRENT }, fx.client)).resolves.toBeDefined();
  });

  it.each([
    ["newPassword", { currentPassword: CURRENT, newPassword: "short" }],
    ["newPassword", { currentPassword: CURRENT, newPassword: "x".repeat(1025) }],
    ["currentPassword", { currentPassword: "x".repeat(1025), newPassword: "long enough one" }],
  ])("rejects a bad %s with BAD_USER_INPUT before any hashing", async (field, input) => {
    const fx = authFixture();
    const current = await fx.signup();
    const before = { ...fx.hasher.calls };
    expect(await rejection(fx.auth.passwords.changePassword(await viewerOf(fx, current.accessToken), input, fx.client))).toMatchObject({
      code: "BAD_USER_INPUT",
      field,
    });
    expect(fx.hasher.calls).toEqual(before);
  });
});
