import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { E2E_SECRET, login, onlyError, type Pair, PAIR_FIELDS, refresh, signup, startServer, type TestServer } from "../support/server";

const ME = "{ me { id email role createdAt } }";
const SESSIONS = "{ sessions { id createdAt lastUsedAt expiresAt userAgent ip current } }";
const ADMIN = { email: "root@example.com", password: "admin password 1" };

/**
 * The whole product, end to end over HTTP against a real server: real argon2, real JWTs and a
 * real database. Run once per database engine.
 */
export function describeAuthFlow(
  engine: string,
  databaseUrl: () => Promise<{ url: string; drop(): Promise<void> }>,
  signing: "HS256" | "ES256" = "HS256",
) {
  /** HS256 with JWT_SECRET (existing deployments) or ES256 with keys in the database (new ones). */
  const signingEnv: Record<string, string> =
    signing === "HS256" ? {} : { JWT_SECRET: "", JWT_ALGORITHM: "ES256", KEY_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64") };
  describe(`auth flow over HTTP on ${engine} (${signing})`, () => {
    let server: TestServer;
    let drop: () => Promise<void>;
    let n = 0;
    const email = () => `user${++n}@example.com`;

    beforeAll(async () => {
      const db = await databaseUrl();
      drop = db.drop;
      server = await startServer({
        databaseUrl: db.url,
        env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...signingEnv },
      });
    });
    afterAll(async () => {
      await server?.close();
      await drop?.();
    });
    afterEach(() => server.clock.reset());

    it("signup returns a complete token pair for a normalized email", async () => {
      const before = Date.now();
      const pair = await signup(server, "  New.User@Example.com ");
      const after = Date.now();
      expect(pair).toMatchObject({ tokenType: "Bearer", user: { email: "new.user@example.com", role: "USER" } });
      expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // 15 minutes from the moment of issue (whole seconds), however long the signup took.
      const expiresAt = Date.parse(pair.accessTokenExpiresAt);
      expect(expiresAt).toBeGreaterThan(before - 1000 + 15 * 60_000);
      expect(expiresAt).toBeLessThanOrEqual(after + 15 * 60_000);
      expect(Date.parse(pair.refreshTokenExpiresAt) - before).toBeGreaterThan(13.9 * 86400_000);
      const { header, payload } = jwt.decode(pair.accessToken, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
      expect(header).toEqual({ alg: signing, typ: "at+jwt", kid: expect.any(String) });
      expect(Object.keys(payload).sort()).toEqual(["aud", "cv", "email_verified", "exp", "iat", "iss", "jti", "role", "sid", "sub"]);
      expect(payload.cv).toBe(0);
      expect(payload.sub).toBe(pair.user.id);
    });

    it("signup reports EMAIL_TAKEN and BAD_USER_INPUT with the offending field", async () => {
      const address = email();
      await signup(server, address);
      const taken = await server.gql(`mutation { signup(input: { email: "${address.toUpperCase()}", password: "long enough" }) { accessToken } }`);
      expect(onlyError(taken).extensions).toMatchObject({ code: "EMAIL_TAKEN" });
      const badEmail = await server.gql(`mutation { signup(input: { email: "nope", password: "long enough" }) { accessToken } }`);
      expect(onlyError(badEmail).extensions).toEqual({ code: "BAD_USER_INPUT", field: "email" });
      const badPassword = await server.gql(`mutation { signup(input: { email: "${email()}", password: "short" }) { accessToken } }`);
      expect(onlyError(badPassword).extensions).toEqual({ code: "BAD_USER_INPUT", field: "password" });
    });

    it("login: unknown email and wrong password give the same INVALID_CREDENTIALS", async () => {
      const address = email();
      await signup(server, address);
      const ok = await login(server, address);
      expect(ok.body.data?.login.user.email).toBe(address);
      const wrong = onlyError(await login(server, address, "wrong password"));
      const unknown = onlyError(await login(server, email(), "wrong password"));
      expect(wrong.extensions).toEqual({ code: "INVALID_CREDENTIALS" });
      expect(unknown).toEqual(wrong);
    });

    it("me needs a valid bearer token and explains why not", async () => {
      const pair = await signup(server, email());
      const me = await server.gql(ME, {}, { token: pair.accessToken });
      expect(me.body.data?.me).toEqual(pair.user);
      expect(onlyError(await server.gql(ME)).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
      const garbage = await server.gql(ME, {}, { token: "not.a.jwt" });
      expect(onlyError(garbage).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
      const basic = await server.gql(ME, {}, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
      expect(onlyError(basic).extensions).toMatchObject({ reason: "TOKEN_INVALID" });
    });

    // Forgeries with the shared secret; ES256 forgeries are in signing-keys and algorithm-confusion tests.
    (signing === "HS256" ? it : it.skip)("rejects forged access tokens over HTTP", async () => {
      const pair = await signup(server, email());
      const claims = jwt.decode(pair.accessToken) as jwt.JwtPayload;
      const key = createSecretKey(Buffer.from(E2E_SECRET));
      const sign = (payload: object, header: object = { typ: "at+jwt" }, alg: jwt.Algorithm = "HS256", k: jwt.Secret = key) =>
        jwt.sign(payload, k, { algorithm: alg, header: { alg, ...header } });
      const [h, , s] = pair.accessToken.split(".");
      const forged = {
        algNone: jwt.sign(claims, "", { algorithm: "none", header: { alg: "none", typ: "at+jwt" } }),
        wrongSecret: sign(claims, undefined, "HS256", createSecretKey(Buffer.alloc(48, 7))),
        tampered: `${h}.${Buffer.from(JSON.stringify({ ...claims, role: "ADMIN" })).toString("base64url")}.${s}`,
        wrongIssuer: sign({ ...claims, iss: "someone-else" }),
        wrongAudience: sign({ ...claims, aud: "another-api" }),
        missingExp: sign(withoutExp(claims)),
        wrongTyp: sign(claims, { typ: "JWT" }),
        otherAlg: sign(claims, undefined, "HS384"),
      };
      for (const [name, token] of Object.entries(forged)) {
        const res = await server.gql(ME, {}, { token });
        expect([name, onlyError(res).extensions]).toEqual([name, { code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" }]);
      }
      // Control: the same signing path with the right inputs is accepted.
      expect((await server.gql(ME, {}, { token: sign(claims) })).body.data?.me.id).toBe(pair.user.id);
    });

    it("access tokens expire (TOKEN_EXPIRED) and refresh still works afterwards", async () => {
      const pair = await signup(server, email());
      server.clock.advance(16 * 60_000);
      expect(onlyError(await server.gql(ME, {}, { token: pair.accessToken })).extensions).toEqual({
        code: "UNAUTHENTICATED",
        reason: "TOKEN_EXPIRED",
      });
      const next = await refresh(server, pair.refreshToken);
      expect((await server.gql(ME, {}, { token: next.body.data?.refreshToken.accessToken })).body.data?.me.id).toBe(pair.user.id);
    });

    it("refreshToken rotates; reuse inside the grace window keeps the session, after it revokes everything", async () => {
      const pair = await signup(server, email());
      const first = (await refresh(server, pair.refreshToken)).body.data?.refreshToken as Pair;
      expect(first.refreshToken).not.toBe(pair.refreshToken);
      server.clock.advance(5_000);
      const sibling = (await refresh(server, pair.refreshToken)).body.data?.refreshToken as Pair;
      expect(sibling.refreshToken).not.toBe(first.refreshToken);
      expect(sid(sibling.accessToken)).toBe(sid(pair.accessToken));
      server.clock.advance(6_000);
      const reuse = await refresh(server, pair.refreshToken);
      expect(onlyError(reuse).extensions).toEqual({ code: "REFRESH_TOKEN_REUSED" });
      for (const token of [first.refreshToken, sibling.refreshToken]) {
        expect(onlyError(await refresh(server, token)).extensions).toEqual({ code: "INVALID_REFRESH_TOKEN" });
      }
      for (const token of [pair.accessToken, first.accessToken, sibling.accessToken]) {
        expect(onlyError(await server.gql(ME, {}, { token })).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
      }
    });

    it("refreshToken rejects malformed and unknown tokens with INVALID_REFRESH_TOKEN, and says when none was sent", async () => {
      for (const token of ["", "short", "A".repeat(43), "💥".repeat(30)]) {
        expect(onlyError(await refresh(server, token)).extensions).toEqual({ code: "INVALID_REFRESH_TOKEN" });
      }
      expect(onlyError(await refresh(server, null)).extensions).toEqual({ code: "INVALID_REFRESH_TOKEN", reason: "REFRESH_TOKEN_MISSING" });
    });

    it("logout with nothing at all (no argument, cookie or bearer) is REFRESH_TOKEN_MISSING; anything presented answers true", async () => {
      expect(onlyError(await server.gql("mutation { logout }")).extensions).toEqual({ code: "INVALID_REFRESH_TOKEN", reason: "REFRESH_TOKEN_MISSING" });
      expect((await server.gql("mutation { logout }", {}, { token: "not-a-jwt" })).body.data).toEqual({ logout: true });
      expect((await server.gql("mutation($t: String) { logout(refreshToken: $t) }", { t: "A".repeat(43) })).body.data).toEqual({ logout: true });
    });

    it("logout by refresh token, by bearer token, and idempotently for unknown tokens", async () => {
      const address = email();
      const a = await signup(server, address);
      const b = (await login(server, address)).body.data?.login as Pair;
      const byToken = await server.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: a.refreshToken });
      expect(byToken.body.data).toEqual({ logout: true });
      expect(onlyError(await server.gql(ME, {}, { token: a.accessToken })).extensions?.reason).toBe("SESSION_REVOKED");
      expect(onlyError(await refresh(server, a.refreshToken)).extensions?.code).toBe("INVALID_REFRESH_TOKEN");
      expect((await server.gql(ME, {}, { token: b.accessToken })).body.data?.me.email).toBe(address);
      const byBearer = await server.gql(`mutation { logout }`, {}, { token: b.accessToken });
      expect(byBearer.body.data).toEqual({ logout: true });
      expect(onlyError(await refresh(server, b.refreshToken)).extensions?.code).toBe("INVALID_REFRESH_TOKEN");
      const unknown = await server.gql(`mutation { logout(refreshToken: "${"Z".repeat(43)}") }`);
      expect(unknown.body.data).toEqual({ logout: true });
    });

    it("sessions lists the viewer's active sessions and marks the current one", async () => {
      const address = email();
      const a = await signup(server, address);
      const b = (await login(server, address)).body.data?.login as Pair;
      const res = await server.gql(SESSIONS, {}, { token: b.accessToken, headers: { "user-agent": "flow-test/1.0" } });
      const sessions = res.body.data?.sessions as Array<{ id: string; current: boolean; ip: string; userAgent: string }>;
      expect(sessions.map((s) => s.id).sort()).toEqual([sid(a.accessToken), sid(b.accessToken)].sort());
      expect(sessions.find((s) => s.current)?.id).toBe(sid(b.accessToken));
      expect(sessions[0]?.ip).toMatch(/127\.0\.0\.1/);
      expect(onlyError(await server.gql(SESSIONS)).extensions?.code).toBe("UNAUTHENTICATED");
    });

    it("logoutAll ends every session of the viewer and returns the count", async () => {
      const address = email();
      const pairs = [await signup(server, address)];
      for (let i = 0; i < 2; i++) pairs.push((await login(server, address)).body.data?.login as Pair);
      const bystander = await signup(server, email());
      const res = await server.gql(`mutation { logoutAll }`, {}, { token: pairs[0]?.accessToken });
      expect(res.body.data).toEqual({ logoutAll: 3 });
      for (const p of pairs) {
        expect(onlyError(await server.gql(ME, {}, { token: p.accessToken })).extensions?.reason).toBe("SESSION_REVOKED");
        expect(onlyError(await refresh(server, p.refreshToken)).extensions?.code).toBe("INVALID_REFRESH_TOKEN");
      }
      expect((await server.gql(ME, {}, { token: bystander.accessToken })).body.data?.me.id).toBe(bystander.user.id);
    });

    it("revokeSession ends only the viewer's own sessions", async () => {
      const address = email();
      const a = await signup(server, address);
      const b = (await login(server, address)).body.data?.login as Pair;
      const other = await signup(server, email());
      const revoke = (token: string, id: string) =>
        server.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id }, { token });
      expect((await revoke(a.accessToken, sid(other.accessToken))).body.data).toEqual({ revokeSession: false });
      expect((await server.gql(ME, {}, { token: other.accessToken })).body.data?.me.id).toBe(other.user.id);
      expect((await revoke(a.accessToken, sid(b.accessToken))).body.data).toEqual({ revokeSession: true });
      expect(onlyError(await server.gql(ME, {}, { token: b.accessToken })).extensions?.reason).toBe("SESSION_REVOKED");
      expect((await revoke(a.accessToken, sid(b.accessToken))).body.data).toEqual({ revokeSession: false });
      expect(onlyError(await revoke(a.accessToken, "nope")).extensions).toEqual({ code: "BAD_USER_INPUT", field: "id" });
    });

    it("users and setUserRole are ADMIN-only; a role change applies to existing tokens", async () => {
      const admin = (await login(server, ADMIN.email, ADMIN.password)).body.data?.login as Pair;
      expect(admin.user.role).toBe("ADMIN");
      const user = await signup(server, email());
      expect(onlyError(await server.gql(`{ users { id } }`, {}, { token: user.accessToken })).extensions).toEqual({ code: "FORBIDDEN" });
      const setRole = (token: string, userId: string, role: string) =>
        server.gql(`mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id role } }`, { u: userId, r: role }, { token });
      expect(onlyError(await setRole(user.accessToken, user.user.id, "ADMIN")).extensions).toEqual({ code: "FORBIDDEN" });
      expect((await setRole(admin.accessToken, user.user.id, "ADMIN")).body.data?.setUserRole).toEqual({ id: user.user.id, role: "ADMIN" });
      const listed = await server.gql(`{ users(first: 100) { id role } }`, {}, { token: user.accessToken });
      expect(listed.body.data?.users).toContainEqual({ id: user.user.id, role: "ADMIN" });
      await setRole(admin.accessToken, user.user.id, "USER");
      expect(onlyError(await server.gql(`{ users { id } }`, {}, { token: user.accessToken })).extensions?.code).toBe("FORBIDDEN");
      expect(onlyError(await setRole(admin.accessToken, "00000000-0000-4000-8000-000000000000", "ADMIN")).extensions).toEqual({
        code: "BAD_USER_INPUT",
        field: "userId",
      });
    });

    it("users paginates with first/after and validates first", async () => {
      const admin = (await login(server, ADMIN.email, ADMIN.password)).body.data?.login as Pair;
      const list = async (args: string) =>
        server.gql<{ users: Array<{ id: string }> }>(`{ users${args} { id } }`, {}, { token: admin.accessToken });
      const all = (await list("(first: 100)")).body.data?.users ?? [];
      expect(all.length).toBeGreaterThan(3);
      const page1 = (await list("(first: 2)")).body.data?.users ?? [];
      const page2 = (await list(`(first: 2, after: "${page1[1]?.id}")`)).body.data?.users ?? [];
      expect([...page1, ...page2]).toEqual(all.slice(0, 4));
      expect(onlyError(await list("(first: 0)")).extensions).toEqual({ code: "BAD_USER_INPUT", field: "first" });
      expect(onlyError(await list("(first: 101)")).extensions).toEqual({ code: "BAD_USER_INPUT", field: "first" });
    });

    it("changePassword re-authenticates, ends other sessions and returns a fresh pair for this one", async () => {
      const address = email();
      const current = await signup(server, address);
      const other = (await login(server, address)).body.data?.login as Pair;
      const change = (token: string, currentPassword: string) =>
        server.gql<{ changePassword: Pair }>(
          `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${PAIR_FIELDS} } }`,
          { i: { currentPassword, newPassword: "a new password 42" } },
          { token },
        );
      expect(onlyError(await change(current.accessToken, "not my password")).extensions).toEqual({ code: "INVALID_CREDENTIALS" });
      expect((await server.gql(ME, {}, { token: other.accessToken })).body.data?.me.email).toBe(address);
      expect(onlyError(await server.gql(`mutation { changePassword(input: { currentPassword: "x", newPassword: "y" }) { accessToken } }`)).extensions).toEqual({
        code: "UNAUTHENTICATED",
        reason: "TOKEN_MISSING",
      });
      const fresh = (await change(current.accessToken, "correct horse battery")).body.data?.changePassword as Pair;
      expect(sid(fresh.accessToken)).toBe(sid(current.accessToken));
      expect(onlyError(await server.gql(ME, {}, { token: other.accessToken })).extensions?.reason).toBe("SESSION_REVOKED");
      expect(onlyError(await refresh(server, current.refreshToken)).extensions?.code).toBe("INVALID_REFRESH_TOKEN");
      expect((await refresh(server, fresh.refreshToken)).body.data?.refreshToken.user.id).toBe(current.user.id);
      expect(onlyError(await login(server, address)).extensions?.code).toBe("INVALID_CREDENTIALS");
      expect((await login(server, address, "a new password 42")).body.data?.login.user.id).toBe(current.user.id);
    });

    it("auditEvents is ADMIN-only and shows a user's security history with client facts", async () => {
      const admin = (await login(server, ADMIN.email, ADMIN.password)).body.data?.login as Pair;
      const address = email();
      const pair = await signup(server, address);
      await login(server, address, "wrong password");
      await server.gql(`mutation($t: String) { refreshToken(refreshToken: $t) { accessToken } }`, { t: pair.refreshToken }, {
        headers: { "user-agent": "audit-test/2.0" },
      });
      const query = `query($u: ID, $t: AuditEventType, $a: ID) { auditEvents(first: 10, userId: $u, type: $t, after: $a) {
        id type userId sessionId ip userAgent requestId detail createdAt } }`;
      expect(onlyError(await server.gql(query, { u: pair.user.id }, { token: pair.accessToken })).extensions).toEqual({ code: "FORBIDDEN" });
      const res = await server.gql(query, { u: pair.user.id }, { token: admin.accessToken });
      const events = res.body.data?.auditEvents as Array<Record<string, any>>;
      expect(events.map((e) => e.type)).toEqual(["REFRESH_ROTATED", "LOGIN_FAILED", "SIGNUP"]);
      expect(events[0]).toMatchObject({ userId: pair.user.id, sessionId: sid(pair.accessToken), userAgent: "audit-test/2.0" });
      expect(events[0]?.ip).toMatch(/127\.0\.0\.1/);
      expect(typeof events[0]?.requestId).toBe("string");
      expect(events[1]?.detail).toEqual({ reason: "wrong_password" });
      const failures = await server.gql(query, { u: pair.user.id, t: "LOGIN_FAILED" }, { token: admin.accessToken });
      expect(failures.body.data?.auditEvents.map((e: { type: string }) => e.type)).toEqual(["LOGIN_FAILED"]);
      const next = await server.gql(query, { u: pair.user.id, a: events[0]?.id }, { token: admin.accessToken });
      expect(next.body.data?.auditEvents.map((e: { id: string }) => e.id)).toEqual(events.slice(1).map((e) => e.id));
      expect(JSON.stringify(events)).not.toContain("wrong password");
    });

    it("50 concurrent refreshes of one token stay in one consistent session", async () => {
      const pair = await signup(server, email());
      const results = await Promise.all(Array.from({ length: 50 }, () => refresh(server, pair.refreshToken)));
      const pairs = results.map((r) => r.body.data?.refreshToken as Pair);
      expect(results.filter((r) => r.body.errors)).toEqual([]);
      expect(new Set(pairs.map((p) => sid(p.accessToken)))).toEqual(new Set([sid(pair.accessToken)]));
      expect(new Set(pairs.map((p) => p.refreshToken)).size).toBe(50);
      const rows = await server.app.db.prisma.refreshToken.findMany({ where: { session: { userId: pair.user.id } } });
      expect(rows).toHaveLength(51);
      expect(rows.filter((r) => r.rotatedAt !== null)).toHaveLength(1);
      expect(new Set(rows.map((r) => r.sessionId)).size).toBe(1);
      expect(await server.app.db.prisma.session.count({ where: { userId: pair.user.id } })).toBe(1);
      // Every issued child is usable: no lost or duplicate rows.
      const children = await Promise.all(pairs.slice(0, 5).map((p) => refresh(server, p.refreshToken)));
      expect(children.every((c) => c.body.data?.refreshToken)).toBe(true);
    });

    it("concurrent refreshes after the grace window: exactly the reuse is detected, nothing half-rotated", async () => {
      const pair = await signup(server, email());
      await refresh(server, pair.refreshToken);
      server.clock.advance(11_000);
      const results = await Promise.all(Array.from({ length: 10 }, () => refresh(server, pair.refreshToken)));
      const codes = new Set(results.map((r) => onlyError(r).extensions?.code));
      // The first to take the lock detects reuse and revokes; the rest find a revoked session.
      expect([...codes].sort()).toEqual(expect.arrayContaining(["REFRESH_TOKEN_REUSED"]));
      expect([...codes].every((c) => c === "REFRESH_TOKEN_REUSED" || c === "INVALID_REFRESH_TOKEN")).toBe(true);
      const session = await server.app.db.prisma.session.findFirst({ where: { userId: pair.user.id } });
      expect(session?.revokedReason).toBe("refresh_token_reused");
      expect(await server.app.db.prisma.refreshToken.count({ where: { sessionId: session?.id, revokedAt: null } })).toBe(0);
    });
  });
}

function withoutExp(claims: jwt.JwtPayload): jwt.JwtPayload {
  const { exp: _exp, ...rest } = claims;
  return rest;
}

function sid(accessToken: string): string {
  return (jwt.decode(accessToken) as jwt.JwtPayload).sid as string;
}

export { PAIR_FIELDS };
