import { commonPasswords } from "../../src/auth/common-passwords";
import { PasswordPolicy } from "../../src/auth/password-policy";
import { authFixture, rejection, viewerOf } from "../support/auth-fixture";

const policy = new PasswordPolicy();
const check = (password: string, email = "ada@example.com", field = "password") => policy.assertChosen({ password, email, field });
const refusal = async (password: string, email?: string) => rejection(check(password, email));

describe("PasswordPolicy: common passwords", () => {
  it("loads the list once per process into a set, with only entries long enough to be chosen", async () => {
    const list = await commonPasswords();
    expect(await commonPasswords()).toBe(list);
    expect(list.size).toBeGreaterThan(15_000);
    expect(list.has("password")).toBe(true);
    expect(list.has("123456")).toBe(false); // too short to be chosen anyway
  });

  it("50 concurrent first uses share one load", async () => {
    let fresh: typeof commonPasswords = commonPasswords;
    jest.isolateModules(() => {
      fresh = (jest.requireActual("../../src/auth/common-passwords") as { commonPasswords: typeof commonPasswords }).commonPasswords;
    });
    expect(fresh).not.toBe(commonPasswords);
    const sets = await Promise.all(Array.from({ length: 50 }, () => fresh()));
    expect(new Set(sets).size).toBe(1);
  });

  it.each(["password", "12345678", "qwertyuiop", "trustno1", "1qaz2wsx", "PassWord", "SUNSHINE", "Football"])(
    "refuses %j, whatever its case",
    async (password) => {
      expect(await refusal(password)).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "password",
        message: "This password is too common; choose another.",
      });
    },
  );

  it("reports the field it was given", async () => {
    expect(await rejection(check("password1", "ada@example.com", "newPassword"))).toMatchObject({ field: "newPassword" });
  });

  it.each(["correct horse battery", "password manager 7", "trustno1 but me"])("accepts %j", async (password) => {
    await expect(check(password)).resolves.toBeUndefined();
  });
});

describe("PasswordPolicy: repeats", () => {
  it.each([
    ["aaaaaaaa"],
    ["aaaaAAAAaaaa"],
    ["        "],
    ["\u00e9".repeat(8)],
    ["e\u0301".repeat(8)], // decomposed: one character once composed
    ["\u{1f511}".repeat(8)],
    ["\u4e00".repeat(10)],
  ])("refuses one character repeated (%j)", async (password) => {
    expect(await refusal(password)).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "password",
      message: "This password is one character repeated; choose another.",
    });
  });

  it("accepts two characters alternating", async () => {
    await expect(check("abababababab")).resolves.toBeUndefined();
  });
});

describe("PasswordPolicy: the email address", () => {
  const contains = "This password contains your email address; choose another.";

  it.each([
    ["johnsmith@example.com", "johnsmith"],
    ["johnsmith@example.com", "JohnSmith2024!"],
    ["johnsmith@example.com", "my name is johnsmith"],
    ["ada@example.com", "ada@example.com"],
    ["ada@example.com", "ADA@Example.com!!"],
    ["jos\u00e9@example.com", "JOSE\u0301 is my name"],
    ["zoe1@example.com", "ZOE1 forever and ever"],
  ])("for %s refuses %j", async (email, password) => {
    expect(await refusal(password, email)).toMatchObject({ code: "BAD_USER_INPUT", field: "password", message: contains });
  });

  // Local parts under 4 characters are everyday substrings: they only count as the whole address.
  it.each([
    ["a@example.com", "a banana a day"],
    ["ada@example.com", "ada lovelace 1815"],
    ["bob@example.com", "bob password 1"],
    ["johnsmith@example.com", "john and smith"],
  ])("for %s accepts %j", async (email, password) => {
    await expect(check(password, email)).resolves.toBeUndefined();
  });
});

describe("the policy applies where passwords are chosen, not at login", () => {
  it("signup refuses a common password on field password, before hashing", async () => {
    const fx = authFixture();
    expect(await rejection(fx.signup("ada@example.com", "Password1"))).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
    expect(await rejection(fx.signup("johnsmith@example.com", "johnsmith 1234"))).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
    expect(fx.hasher.calls.hash).toBe(0);
  });

  it("changePassword refuses a common or repeated new password on field newPassword", async () => {
    const fx = authFixture();
    const pair = await fx.signup();
    const viewer = await viewerOf(fx, pair.accessToken);
    for (const newPassword of ["iloveyou", "zzzzzzzzzz", "ada@example.com 1"]) {
      const error = await rejection(fx.auth.passwords.changePassword(viewer, { currentPassword: "correct horse battery", newPassword }, fx.client));
      expect(error).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    }
    await expect(fx.auth.accounts.login({ email: "ada@example.com", password: "correct horse battery" }, fx.client)).resolves.toBeDefined();
  });

  it("the bootstrap admin refuses one, even when the account already exists", async () => {
    const fx = authFixture();
    expect(await rejection(fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "football" }))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "password",
    });
    await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password 1" });
    expect(await rejection(fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "rootroot" }))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "password",
    });
  });

  it("login still accepts a password chosen before the policy refused it", async () => {
    const fx = authFixture();
    const pair = await fx.signup();
    const row = fx.stores.users.rows.get(pair.user.id);
    if (!row) throw new Error("user row missing");
    row.passwordHash = "plain:password1";
    await expect(fx.auth.accounts.login({ email: "ada@example.com", password: "password1" }, fx.client)).resolves.toMatchObject({
      user: { id: pair.user.id },
    });
  });
});

/** A corpus that knows a few passwords and remembers what it was asked (asked = the policy consulted it). */
function corpus(breached: string[]) {
  const asked: string[] = [];
  return {
    asked,
    check: {
      isBreached: async (password: string) => {
        asked.push(password);
        return breached.includes(password);
      },
    },
  };
}

describe("PasswordPolicy: the breached-password corpus", () => {
  it("refuses a breached password after the local rules pass, on the given field", async () => {
    const { asked, check } = corpus(["Tr0ub4dor&3"]);
    const breaches = new PasswordPolicy(check);
    expect(await rejection(breaches.assertChosen({ password: "Tr0ub4dor&3", email: "ada@example.com", field: "newPassword" }))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "newPassword",
      message: "This password has appeared in a data breach; choose another.",
    });
    await expect(breaches.assertChosen({ password: "correct horse battery", email: "ada@example.com", field: "password" })).resolves.toBeUndefined();
    expect(asked).toEqual(["Tr0ub4dor&3", "correct horse battery"]);
  });

  it("is not consulted for a password the local rules already refuse, nor by assertAcceptable", async () => {
    const { asked, check } = corpus([]);
    const breaches = new PasswordPolicy(check);
    for (const password of ["short", "password1", "aaaaaaaaa", "ada@example.com"]) {
      await rejection(breaches.assertChosen({ password, email: "ada@example.com", field: "password" }));
    }
    await breaches.assertAcceptable({ password: "correct horse battery", email: "ada@example.com", field: "password" });
    expect(asked).toEqual([]);
  });

  it("is consulted by signup, changePassword and a bootstrap admin being created, never by login", async () => {
    const { asked, check } = corpus(["Tr0ub4dor&3"]);
    const fx = authFixture({ breachCheck: check });
    expect(await rejection(fx.signup("ada@example.com", "Tr0ub4dor&3"))).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
    expect(fx.hasher.calls.hash).toBe(0);
    const pair = await fx.signup();
    const viewer = await viewerOf(fx, pair.accessToken);
    const change = fx.auth.passwords.changePassword(viewer, { currentPassword: "correct horse battery", newPassword: "Tr0ub4dor&3" }, fx.client);
    expect(await rejection(change)).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    expect(await rejection(fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "Tr0ub4dor&3" }))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "password",
    });
    expect(asked).toEqual(["Tr0ub4dor&3", "correct horse battery", "Tr0ub4dor&3", "Tr0ub4dor&3"]);
    await fx.auth.accounts.login({ email: "ada@example.com", password: "correct horse battery" }, fx.client);
    await rejection(fx.auth.accounts.login({ email: "ada@example.com", password: "Tr0ub4dor&3" }, fx.client));
    expect(asked).toHaveLength(4);
  });

  it("changePassword asks the corpus only after the current password is proven (a stolen token cannot drive lookups)", async () => {
    const { asked, check } = corpus([]);
    const fx = authFixture({ breachCheck: check });
    const pair = await fx.signup();
    asked.length = 0;
    const viewer = await viewerOf(fx, pair.accessToken);
    for (let i = 0; i < 3; i++) {
      const guess = fx.auth.passwords.changePassword(viewer, { currentPassword: `guess ${i} guess`, newPassword: "a fresh passphrase" }, fx.client);
      expect(await rejection(guess)).toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    expect(asked).toEqual([]);
    await fx.auth.passwords.changePassword(viewer, { currentPassword: "correct horse battery", newPassword: "a fresh passphrase" }, fx.client);
    expect(asked).toEqual(["a fresh passphrase"]);
  });

  it("a bootstrap admin that already exists is not sent to the corpus again on every boot", async () => {
    const { asked, check } = corpus([]);
    const fx = authFixture({ breachCheck: check });
    await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password 1" });
    await fx.auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password 1" });
    expect(asked).toEqual(["admin password 1"]);
  });
});
