import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { login, onlyError, type Pair, signup, startServer, type TestServer } from "../support/server";

const ME = "{ me { id role } }";
const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: "root@example.com", BOOTSTRAP_ADMIN_PASSWORD: "admin password 1" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two server instances on one PostgreSQL database: a role change or revocation made through
 * one is enforced by the other within the 1 s session-cache bound.
 */
describeWithPostgres("two instances sharing PostgreSQL", () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startServer({ databaseUrl: db.url, env: ADMIN });
    b = await startServer({ databaseUrl: db.url, env: ADMIN });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it("a role change through one instance is enforced by the other within 1 s", async () => {
    const admin = (await login(b, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).body.data?.login as Pair;
    const user = await signup(a, "role-change@example.com");
    expect((await a.gql(ME, {}, { token: user.accessToken })).body.data?.me.role).toBe("USER"); // cached on A
    const changed = await b.gql(`mutation($u: ID!) { setUserRole(userId: $u, role: ADMIN) { role } }`, { u: user.user.id }, {
      token: admin.accessToken,
    });
    expect(changed.body.data?.setUserRole.role).toBe("ADMIN");
    await sleep(1000);
    expect((await a.gql(ME, {}, { token: user.accessToken })).body.data?.me.role).toBe("ADMIN");
    expect((await a.gql(`{ users(first: 1) { id } }`, {}, { token: user.accessToken })).body.errors).toBeUndefined();
  });

  it("logoutAll through one instance rejects the access token on the other within 1 s", async () => {
    const user = await signup(a, "revoke-elsewhere@example.com");
    expect((await a.gql(ME, {}, { token: user.accessToken })).body.data?.me.id).toBe(user.user.id);
    expect((await b.gql(`mutation { logoutAll }`, {}, { token: user.accessToken })).body.data).toEqual({ logoutAll: 1 });
    await sleep(1000);
    expect(onlyError(await a.gql(ME, {}, { token: user.accessToken })).extensions).toEqual({
      code: "UNAUTHENTICATED",
      reason: "SESSION_REVOKED",
    });
  });

  it("a password change through one instance: its new access token works on the other at once", async () => {
    const user = await signup(a, "changed-elsewhere@example.com");
    expect((await b.gql(ME, {}, { token: user.accessToken })).body.data?.me.id).toBe(user.user.id); // cached on B
    const changed = await a.gql<{ changePassword: Pair }>(
      `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }`,
      { i: { currentPassword: "correct horse battery", newPassword: "another good passphrase" } },
      { token: user.accessToken },
    );
    const token = changed.body.data?.changePassword.accessToken;
    if (!token) throw new Error(`changePassword failed: ${JSON.stringify(changed.body)}`);
    // B's clock held back, so its entry from before the change is certainly still fresh however
    // long the change took, yet within the 5 s tolerance for the new token's iat.
    b.clock.advance(-3000);
    try {
      expect((await b.gql(ME, {}, { token })).body).toEqual({ data: { me: { id: user.user.id, role: "USER" } } });
      expect(onlyError(await b.gql(ME, {}, { token: user.accessToken })).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    } finally {
      b.clock.reset();
    }
  });

  it("refusals counted by both instances add up in one RATE_LIMITED row per (bucket, key, window)", async () => {
    const env = { RATE_LIMIT_SIGNUP_IP: "1", RATE_LIMIT_SIGNUP_IP_WINDOW: "1h" };
    const [c, d] = await Promise.all([startServer({ databaseUrl: db.url, env }), startServer({ databaseUrl: db.url, env })]);
    try {
      // Both clocks in the middle of one aligned hour, so the refusals share a window whenever this runs.
      const toMidWindow = (1_800_000 - (Date.now() % 3_600_000) + 3_600_000) % 3_600_000;
      for (const server of [c, d]) server.clock.advance(toMidWindow);
      const attempt = (server: TestServer, n: number) =>
        server.gql(`mutation { signup(input: { email: "two-instances-${n}@example.com", password: "long enough pw" }) { accessToken } }`);
      // Each instance keeps its own budget in memory (no Redis): one signup each, then refusals.
      const results = await Promise.all([...Array.from({ length: 6 }, (_, i) => attempt(c, i)), ...Array.from({ length: 8 }, (_, i) => attempt(d, 10 + i))]);
      expect(results.filter((r) => r.body.errors?.[0]?.extensions?.code === "TOO_MANY_REQUESTS")).toHaveLength(12);
    } finally {
      await Promise.all([c.close(), d.close()]);
    }
    const rows = await a.app.db.prisma.auditEvent.findMany({ where: { type: "rate_limited" } });
    expect(rows.map((r) => r.detail)).toEqual([{ bucket: "signup_ip", key: "127.0.0.1", count: 12 }]);
  });

  it("50 concurrent refreshes of one token split across both instances stay in one session", async () => {
    const pair = await signup(a, "split-refresh@example.com");
    const mutation = `mutation($t: String) { refreshToken(refreshToken: $t) { refreshToken } }`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).gql(mutation, { t: pair.refreshToken })),
    );
    expect(results.filter((r) => r.body.errors)).toEqual([]);
    const prisma = a.app.db.prisma;
    expect(await prisma.session.count({ where: { userId: pair.user.id } })).toBe(1);
    expect(await prisma.refreshToken.count({ where: { session: { userId: pair.user.id } } })).toBe(51);
    expect(await prisma.refreshToken.count({ where: { session: { userId: pair.user.id }, rotatedAt: { not: null } } })).toBe(1);
  });
});
