import { login, onlyError, type Pair, refresh, signup, startServer, type TestServer } from "../support/server";

/**
 * Authorization is one decision for the whole operation, taken before any resolver runs: over
 * HTTP, against a real server, real JWTs, argon2 and database, a denied operation writes nothing.
 */

const ADMIN = { email: "root@example.com", password: "admin password 1" };

function serverFor(env: Record<string, string>): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer({ env });
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error("server did not start");
    return server;
  };
}

describe("one authorization decision per operation (test environment)", () => {
  const s = serverFor({ LOG_LEVEL: "silent", BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
  let n = 0;
  const email = () => `preauth${++n}@example.com`;
  afterEach(() => s().clock.reset());

  it.each([
    ["signup first", (i: string) => `mutation { signup(input: ${i}) { accessToken } logoutAll }`],
    ["logoutAll first", (i: string) => `mutation { logoutAll signup(input: ${i}) { accessToken } }`],
  ])("an anonymous mixed mutation (%s) is denied as a whole and writes no user", async (_order, mutation) => {
    const address = email();
    const res = await s().gql(mutation(`{ email: "${address}", password: "correct horse battery" }`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" } }],
    });
    // signup never ran: nobody can sign in with those credentials, and the address is still free.
    expect(onlyError(await login(s(), address)).extensions).toEqual({ code: "INVALID_CREDENTIALS" });
    expect((await signup(s(), address)).user.email).toBe(address);
  });

  it("a USER asking for an ADMIN field beside a USER field gets FORBIDDEN, and the USER field did not run", async () => {
    const user = await signup(s(), email());
    const res = await s().gql(
      `mutation($id: ID!) { logoutAll setUserRole(userId: $id, role: ADMIN) { id } }`,
      { id: user.user.id },
      { token: user.accessToken },
    );
    expect(res.status).toBe(200);
    expect(onlyError(res).extensions).toEqual({ code: "FORBIDDEN" });
    expect(res.body.data).toBeUndefined();
    // logoutAll did not end the session: its refresh token still rotates, and the role is unchanged.
    const rotated = await refresh(s(), user.refreshToken);
    expect(rotated.body.data?.refreshToken.user.role).toBe("USER");
  });

  it("an ADMIN runs the same operation", async () => {
    const user = await signup(s(), email());
    const admin = (await login(s(), ADMIN.email, ADMIN.password)).body.data?.login as Pair;
    const res = await s().gql(
      `mutation($id: ID!) { logoutAll setUserRole(userId: $id, role: ADMIN) { id role } }`,
      { id: user.user.id },
      { token: admin.accessToken },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.setUserRole).toEqual({ id: user.user.id, role: "ADMIN" });
  });

  it.each([
    [false, { data: {} }],
    [true, { errors: [{ message: expect.any(String), extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" } }] }],
  ])("a fragment with `@include(if: $v)` (v = %s) is checked only when included", async (v, expected) => {
    const res = await s().gql("query($v: Boolean!) { ...F } fragment F on Query { me @include(if: $v) { id } }", { v });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
  });

  it("keeps the reason: TOKEN_EXPIRED, then SESSION_REVOKED", async () => {
    const pair = await signup(s(), email());
    s().clock.advance(16 * 60_000);
    const expired = await s().gql("mutation { logout logoutAll }", {}, { token: pair.accessToken });
    expect(onlyError(expired).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    s().clock.reset();

    const fresh = (await login(s(), pair.user.email)).body.data?.login as Pair;
    expect((await s().gql("mutation { logoutAll }", {}, { token: fresh.accessToken })).body.data?.logoutAll).toBe(2);
    s().clock.advance(2_000);
    const revoked = await s().gql("{ me { id } }", {}, { token: fresh.accessToken });
    expect(onlyError(revoked).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
  });

  it("variables that do not coerce are reported as BAD_USER_INPUT, as before, whoever asks", async () => {
    const res = await s().gql("mutation($id: ID!) { revokeSession(id: $id) }", {});
    expect(res.status).toBe(400);
    expect(onlyError(res).extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("a denied GET query is HTTP 200 with the code", async () => {
    const response = await fetch(`${s().url}/graphql?query=${encodeURIComponent("{ me { id } }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
  });
});

describe("a denial in production", () => {
  const s = serverFor({ LOG_LEVEL: "silent", NODE_ENV: "production" });

  it("carries the code and reason, no stack trace and no data", async () => {
    const res = await s().gql("mutation { login(input: { email: \"a@example.com\", password: \"x\" }) { accessToken } logoutAll }");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      errors: [
        {
          message: "Authentication required: send an access token as 'Authorization: Bearer <token>'.",
          extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" },
        },
      ],
    });
  });
});
