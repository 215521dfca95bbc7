import { authFixture, rejection } from "../support/auth-fixture";

describe("AccountService", () => {
  it("signup normalizes the email, stores only a hash, and starts a session", async () => {
    const { signup, stores } = authFixture();
    const pair = await signup("  Ada@Example.COM ");
    expect(pair.user).toMatchObject({ email: "ada@example.com", role: "USER" });
    const row = stores.users.rows.get(pair.user.id);
    expect(row?.passwordHash).not.toBe("correct horse battery");
    expect(stores.sessions.sessions.get(pair.sessionId)?.userId).toBe(pair.user.id);
  });

  it("rejects a second account with the same normalized email as EMAIL_TAKEN", async () => {
    const { signup } = authFixture();
    await signup("ada@example.com");
    expect((await rejection(signup("ADA@example.com "))).code).toBe("EMAIL_TAKEN");
  });

  it.each([
    ["email", "not-an-email", "long enough"],
    ["email", "a@b", "long enough"],
    ["email", "", "long enough"],
    ["password", "ada@example.com", "short"],
    ["password", "ada@example.com", "x".repeat(1025)],
  ])("signup rejects a bad %s with BAD_USER_INPUT and the field name", async (field, email, password) => {
    const { auth, client } = authFixture();
    const error = await rejection(auth.signups.signup({ email, password }, client));
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", field });
  });

  it("counts length in characters: 8 emoji are a valid password", async () => {
    const { auth, client } = authFixture();
    const password = "🔑🔒🔓🗝🚪🏠🌳🐈";
    expect(password).toHaveLength(16);
    await expect(auth.signups.signup({ email: "e@example.com", password }, client)).resolves.toBeDefined();
  });

  it("unknown email and wrong password fail identically, and both pay for one password verification", async () => {
    const { auth, signup, hasher, client } = authFixture();
    await signup();
    const before = { ...hasher.calls };
    const unknown = await rejection(auth.accounts.login({ email: "nobody@example.com", password: "whatever1" }, client));
    const wrong = await rejection(auth.accounts.login({ email: "ada@example.com", password: "whatever1" }, client));
    expect(unknown).toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect(wrong.code).toBe(unknown.code);
    expect(wrong.message).toBe(unknown.message);
    expect(hasher.calls.dummy - before.dummy).toBe(1);
    expect(hasher.calls.verify - before.verify).toBe(1);
  });

  it("login accepts the email in any case and returns a fresh session", async () => {
    const { auth, signup, client } = authFixture();
    const first = await signup();
    const pair = await auth.accounts.login({ email: "ADA@example.com", password: "correct horse battery" }, client);
    expect(pair.user.id).toBe(first.user.id);
    expect(pair.sessionId).not.toBe(first.sessionId);
  });

  it("ensureAdmin creates the account as ADMIN once, then only promotes, never resets the password", async () => {
    const { auth, signup, client } = authFixture();
    const created = await auth.accounts.ensureAdmin({ email: "root@example.com", password: "admin password 1" });
    expect(created).toMatchObject({ created: true, user: { role: "ADMIN" } });
    const again = await auth.accounts.ensureAdmin({ email: "root@example.com", password: "a different one" });
    expect(again).toMatchObject({ created: false, user: { id: created.user.id, role: "ADMIN" } });
    await signup("bob@example.com", "bob password 1");
    const promoted = await auth.accounts.ensureAdmin({ email: "bob@example.com", password: "ignored password" });
    expect(promoted.user.role).toBe("ADMIN");
    await expect(auth.accounts.login({ email: "bob@example.com", password: "bob password 1" }, client)).resolves.toBeDefined();
  });
});

describe("AccountService rehash on login", () => {
  it("upgrades a hash made with weaker parameters, and leaves current ones alone", async () => {
    const { auth, signup, stores, hasher, client } = authFixture();
    const pair = await signup();
    const row = stores.users.rows.get(pair.user.id);
    if (!row) throw new Error("user row missing");
    row.passwordHash = "legacy:correct horse battery";
    await auth.accounts.login({ email: "ada@example.com", password: "correct horse battery" }, client);
    expect(row.passwordHash).toBe("plain:correct horse battery");
    const hashes = hasher.calls.hash;
    await auth.accounts.login({ email: "ada@example.com", password: "correct horse battery" }, client);
    expect(hasher.calls.hash).toBe(hashes);
  });
});
