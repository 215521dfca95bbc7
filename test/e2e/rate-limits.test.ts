import { randomUUID } from "node:crypto";
import { login, signup, startServer, type TestServer, withServer } from "../support/server";
import { describeWithRedis, testRedisUrl } from "../support/services";

const PASSWORD = "correct horse battery";
const TIGHT = { RATE_LIMIT_LOGIN_FAILURES: "5", RATE_LIMIT_LOGIN_IP: "100" };

/** One document, `n` aliased login fields: executed serially, each one a separate attempt. */
function aliasedLogins(n: number, email: string, password: string): string {
  const fields = Array.from({ length: n }, (_, i) => `a${i}: login(input: { email: "${email}", password: "${password}" }) { accessToken }`);
  return `mutation { ${fields.join(" ")} }`;
}

function codesByAlias(body: { errors?: Array<{ path?: string[]; extensions?: Record<string, unknown> }> }): string[] {
  return (body.errors ?? [])
    .slice()
    .sort((x, y) => Number(x.path?.[0]?.slice(1)) - Number(y.path?.[0]?.slice(1)))
    .map((e) => String(e.extensions?.code));
}

describe("brute-force limits over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: TIGHT });
  });
  afterAll(() => server?.close());

  it("after 5 failures for (email, IP) even the right password is refused, with retryAfter", async () => {
    await signup(server, "five@example.com");
    for (let i = 0; i < 5; i++) {
      expect((await login(server, "five@example.com", "wrong password")).body.errors?.[0]?.extensions?.code).toBe("INVALID_CREDENTIALS");
    }
    const right = await login(server, "five@example.com", PASSWORD);
    expect(right.body.errors?.[0]?.extensions).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfter: expect.any(Number) });
    expect(right.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
  });

  it("records rate_limited in the audit trail", async () => {
    const events = await server.app.db.prisma.auditEvent.findMany({ where: { type: "rate_limited" } });
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]?.detail).toEqual({ bucket: "login_failures", key: "five@example.com|127.0.0.1", count: 1 });
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY is set", async () => {
    await signup(server, "xff@example.com");
    for (let i = 0; i < 5; i++) {
      await server.gql(aliasedLogins(1, "xff@example.com", "wrong password"), {}, { headers: { "x-forwarded-for": `198.51.100.${i}` } });
    }
    const spoofed = await server.gql(aliasedLogins(1, "xff@example.com", PASSWORD), {}, { headers: { "x-forwarded-for": "198.51.100.200" } });
    expect(codesByAlias(spoofed.body)).toEqual(["TOO_MANY_REQUESTS"]);
  });
});

describe("limits count field executions, not HTTP requests", () => {
  it("aliased login fields in one document each use the per-IP attempt budget", async () => {
    await withServer({ env: { RATE_LIMIT_LOGIN_IP: "6" } }, async (server) => {
      await signup(server, "alias@example.com");
      const res = await server.gql(aliasedLogins(10, "alias@example.com", PASSWORD));
      // Mutation fields run in order; the 7th attempt is over budget (and, login being
      // non-null, ends the document).
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors?.[0]).toMatchObject({ path: ["a6"], extensions: { code: "TOO_MANY_REQUESTS" } });
      const next = await login(server, "alias@example.com");
      expect(next.body.errors?.[0]?.extensions?.code).toBe("TOO_MANY_REQUESTS");
      expect(await server.app.db.prisma.session.count()).toBe(1 + 6);
    });
  });
});

describe("behind a trusted proxy", () => {
  it("uses the X-Forwarded-For client address for per-IP budgets", async () => {
    await withServer({ env: { ...TIGHT, TRUST_PROXY: "true" } }, async (server) => {
      await signup(server, "proxy@example.com");
      const from = (ip: string, password: string) =>
        server.gql(aliasedLogins(1, "proxy@example.com", password), {}, { headers: { "x-forwarded-for": ip } });
      for (let i = 0; i < 5; i++) await from("198.51.100.1", "wrong password");
      expect(codesByAlias((await from("198.51.100.1", PASSWORD)).body)).toEqual(["TOO_MANY_REQUESTS"]);
      expect((await from("198.51.100.2", PASSWORD)).body.errors).toBeUndefined();
    });
  });
});

describeWithRedis("limits shared through Redis", () => {
  it("two instances with one REDIS_URL share the failure budget", async () => {
    const env = { ...TIGHT, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:${randomUUID()}` };
    const a = await startServer({ env });
    const b = await startServer({ env, databaseUrl: "pglite:memory" });
    try {
      // Separate databases: the budget, not the account, is what is shared.
      await signup(a, "shared@example.com");
      await signup(b, "shared@example.com");
      for (let i = 0; i < 3; i++) await login(a, "shared@example.com", "wrong password");
      for (let i = 0; i < 2; i++) await login(b, "shared@example.com", "wrong password");
      expect((await login(a, "shared@example.com")).body.errors?.[0]?.extensions?.code).toBe("TOO_MANY_REQUESTS");
      expect((await login(b, "shared@example.com")).body.errors?.[0]?.extensions?.code).toBe("TOO_MANY_REQUESTS");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("limits with Redis unreachable", () => {
  it("login fails closed with SERVICE_UNAVAILABLE and the server stays up", async () => {
    await withServer({ env: { ...TIGHT, REDIS_URL: "redis://127.0.0.1:1" } }, async (server) => {
      const pair = await signup(server, "noredis@example.com");
      const res = await login(server, "noredis@example.com");
      expect(res.body.errors?.[0]?.extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
      const refreshed = await server.gql(`mutation($t: String) { refreshToken(refreshToken: $t) { accessToken } }`, { t: pair.refreshToken });
      expect(refreshed.body.errors).toBeUndefined();
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    });
  });
});
