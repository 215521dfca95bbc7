import { login, onlyError, type Pair, PAIR_FIELDS, refresh, signup, startServer, type TestServer } from "../support/server";

const OLD = "correct horse battery";
const NEW = "a completely new password";
const ADMIN = { email: "root@example.com", password: "admin password 1" };
const ME = "{ me { id } }";

async function changePassword(server: TestServer, token: string) {
  return server.gql<{ changePassword: Pair }>(
    `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${PAIR_FIELDS} } }`,
    { i: { currentPassword: OLD, newPassword: NEW } },
    { token },
  );
}

const setRole = (server: TestServer, token: string, userId: string, role: string) =>
  server.gql("mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id role } }", { u: userId, r: role }, { token });

/**
 * Races that used to leave attackers signed in or the server without an admin, over HTTP with
 * real argon2 and a real database. Run once per database engine.
 */
export function describeCredentialRaces(engine: string, databaseUrl: () => Promise<{ url: string; drop(): Promise<void> }>) {
  describe(`credential races over HTTP on ${engine}`, () => {
    let server: TestServer;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const db = await databaseUrl();
      drop = db.drop;
      server = await startServer({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password } });
    });
    afterAll(async () => {
      await server?.close();
      await drop?.();
    });

    it("no login racing changePassword keeps a live session once the change has committed", async () => {
      const owner = await signup(server, "raced@example.com", OLD);
      // Open the pool's connections first: on a loaded machine, opening ten at once can exceed the
      // 1.5 s connect timeout, which would answer SERVICE_UNAVAILABLE instead of racing.
      await Promise.all(Array.from({ length: 10 }, () => server.app.db.prisma.$queryRaw`SELECT 1 AS ok FROM pg_sleep(0.05)`));
      const logins = Array.from({ length: 16 }, () => login(server, "raced@example.com", OLD));
      const change = changePassword(server, owner.accessToken);
      const more = Array.from({ length: 8 }, () => login(server, "raced@example.com", OLD));
      const changed = (await change).body.data?.changePassword;
      if (!changed) throw new Error(`changePassword failed: ${JSON.stringify((await change).body)}`);
      const results = await Promise.all([...logins, ...more]);
      const issued = results.flatMap((r) => (r.body.data?.login ? [r.body.data.login] : []));
      const refusals = results.filter((r) => !r.body.data?.login).map((r) => onlyError(r).extensions?.code);
      // SERVICE_UNAVAILABLE is an overloaded machine's honest answer, never a pass on its own.
      for (const code of refusals) expect(["INVALID_CREDENTIALS", "SERVICE_UNAVAILABLE"]).toContain(code);
      expect(issued.length + refusals.filter((c) => c === "INVALID_CREDENTIALS").length).toBeGreaterThan(0);
      // Past the per-process session cache: what every instance would answer.
      server.clock.advance(1500);
      for (const pair of issued) {
        expect(onlyError(await server.gql(ME, {}, { token: pair.accessToken })).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
        expect(onlyError(await refresh(server, pair.refreshToken)).extensions?.code).toBe("INVALID_REFRESH_TOKEN");
      }
      const sessions = await server.gql<{ sessions: Array<{ id: string; current: boolean }> }>("{ sessions { id current } }", {}, { token: changed.accessToken });
      expect(sessions.body.data?.sessions).toEqual([{ id: expect.any(String), current: true }]);
      expect((await login(server, "raced@example.com", NEW)).body.data?.login).toBeDefined();
      server.clock.reset();
    });

    it("a thief holding tokens of the very session that changes the password is locked out at once", async () => {
      const victim = await signup(server, "robbed@example.com", OLD);
      const stolen = (await refresh(server, victim.refreshToken)).body.data?.refreshToken;
      if (!stolen) throw new Error("the thief's refresh failed");
      const changed = (await changePassword(server, victim.accessToken)).body.data?.changePassword;
      if (!changed) throw new Error("changePassword failed");
      expect(onlyError(await server.gql(ME, {}, { token: stolen.accessToken })).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
      expect(onlyError(await refresh(server, stolen.refreshToken)).extensions?.code).toBe("INVALID_REFRESH_TOKEN");
      expect((await server.gql<{ me: { id: string } }>(ME, {}, { token: changed.accessToken })).body.data?.me.id).toBe(victim.user.id);
    });

    it("the thief's retired tokens cannot even end the session the password change re-keyed", async () => {
      const victim = await signup(server, "signed-out@example.com", OLD);
      const stolen = (await refresh(server, victim.refreshToken)).body.data?.refreshToken;
      if (!stolen) throw new Error("the thief's refresh failed");
      const changed = (await changePassword(server, victim.accessToken)).body.data?.changePassword;
      if (!changed) throw new Error("changePassword failed");
      // Logout answers true whatever it was given (it never says whether a token existed).
      expect((await server.gql("mutation { logout }", {}, { token: stolen.accessToken })).body.data).toEqual({ logout: true });
      expect((await server.gql("mutation($t: String) { logout(refreshToken: $t) }", { t: stolen.refreshToken })).body.data).toEqual({ logout: true });
      server.clock.advance(1500); // past the per-process session cache
      expect((await server.gql<{ me: { id: string } }>(ME, {}, { token: changed.accessToken })).body.data?.me.id).toBe(victim.user.id);
      expect((await refresh(server, changed.refreshToken)).body.data?.refreshToken.accessToken).toEqual(expect.any(String));
      server.clock.reset();
    });

    it("the last ADMIN cannot demote itself (FORBIDDEN, LAST_ADMIN)", async () => {
      const admin = (await login(server, ADMIN.email, ADMIN.password)).body.data?.login;
      if (!admin) throw new Error("bootstrap admin cannot log in");
      const res = await setRole(server, admin.accessToken, admin.user.id, "USER");
      expect(onlyError(res).extensions).toEqual({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
      expect((await server.gql<{ me: { role: string } }>("{ me { role } }", {}, { token: admin.accessToken })).body.data?.me.role).toBe("ADMIN");
    });

    it("two ADMINs demoting each other at the same moment leave one ADMIN", async () => {
      const root = (await login(server, ADMIN.email, ADMIN.password)).body.data?.login;
      if (!root) throw new Error("bootstrap admin cannot log in");
      const other = await signup(server, "second-admin@example.com", OLD);
      await setRole(server, root.accessToken, other.user.id, "ADMIN");
      const [a, b] = await Promise.all([
        setRole(server, root.accessToken, other.user.id, "USER"),
        setRole(server, other.accessToken, root.user.id, "USER"),
      ]);
      const refused = [a, b].filter((r) => r.body.errors);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const r of refused) expect(onlyError(r).extensions?.code).toMatch(/^(FORBIDDEN)$/);
      const admins = await server.app.db.prisma.user.count({ where: { role: "ADMIN" } });
      expect(admins).toBe(1);
    });
  });
}
