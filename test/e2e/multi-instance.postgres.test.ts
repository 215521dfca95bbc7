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
