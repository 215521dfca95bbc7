import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db";
import { describeWithRedis, testRedisUrl } from "../support/services";
import { login, type Pair, PAIR_FIELDS, signup, startServer, type TestServer, withServer } from "../support/server";

const PASSWORD = "correct horse battery";

const loginFrom = (server: TestServer, xff: string, email: string, password: string) =>
  server.gql<{ login: Pair }>(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email, password } }, { headers: { "x-forwarded-for": xff } });
const codeOf = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions?.code ?? "OK";
const tally = (codes: unknown[]) => codes.reduce<Record<string, number>>((acc, c) => ({ ...acc, [String(c)]: (acc[String(c)] ?? 0) + 1 }), {});

function describeConcurrentGuessing(store: string, storeEnv: () => Record<string, string>): void {
  describe(`concurrent guessing, budgets ${store} (real argon2)`, () => {
    it("60 wrong guesses and the right password at once: at most the budget of 5 is evaluated", async () => {
      await withServer({ env: { ...storeEnv(), RATE_LIMIT_LOGIN_FAILURES: "5" } }, async (server) => {
        await signup(server, "target@example.com");
        const attempts = Array.from({ length: 61 }, (_, i) => login(server, "target@example.com", i === 60 ? PASSWORD : `guess number ${i}`));
        const codes = tally((await Promise.all(attempts)).map(codeOf));
        expect((codes.INVALID_CREDENTIALS ?? 0) + (codes.OK ?? 0)).toBeLessThanOrEqual(5);
        expect(codes.TOO_MANY_REQUESTS).toBeGreaterThanOrEqual(56);
      });
    });

    it("changePassword's current-password check holds the same line under 30 concurrent guesses", async () => {
      await withServer({ env: { ...storeEnv(), RATE_LIMIT_LOGIN_FAILURES: "5" } }, async (server) => {
        const pair = await signup(server, "stolen-token@example.com");
        const guess = (currentPassword: string) =>
          server.gql(`mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${PAIR_FIELDS} } }`, { i: { currentPassword, newPassword: "taken over account" } }, { token: pair.accessToken });
        const codes = tally((await Promise.all(Array.from({ length: 30 }, (_, i) => guess(`guess number ${i}`)))).map(codeOf));
        expect(codes).toEqual({ INVALID_CREDENTIALS: 5, TOO_MANY_REQUESTS: 25 });
      });
    });
  });
}

describeConcurrentGuessing("in memory", () => ({}));
describeWithRedis("concurrent guessing with budgets in Redis", () => {
  describeConcurrentGuessing("in Redis", () => ({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:${randomUUID()}` }));

  it("60 guesses split across two instances sharing Redis: at most the budget of 5 is evaluated in all", async () => {
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:${randomUUID()}`, RATE_LIMIT_LOGIN_FAILURES: "5" };
    // Each instance has its own database holding the same account; only the budget is shared.
    await withServer({ env }, async (a) =>
      withServer({ env }, async (b) => {
        await Promise.all([signup(a, "shared@example.com"), signup(b, "shared@example.com")]);
        const attempts = Array.from({ length: 60 }, (_, i) => login(i % 2 ? a : b, "shared@example.com", `guess number ${i}`));
        const codes = tally((await Promise.all(attempts)).map(codeOf));
        expect(codes).toEqual({ INVALID_CREDENTIALS: 5, TOO_MANY_REQUESTS: 55 });
        expect(codeOf(await login(a, "shared@example.com", PASSWORD))).toBe("TOO_MANY_REQUESTS");
      }),
    );
  });
});

describe("rate-limit keys from a trusted proxy", () => {
  const env = { TRUST_PROXY: "true", RATE_LIMIT_LOGIN_FAILURES: "5" };

  it("an attacker rotating through one IPv6 /64 shares one failure budget", async () => {
    await withServer({ env }, async (server) => {
      await signup(server, "v6@example.com");
      for (let i = 1; i <= 5; i++) await loginFrom(server, `2001:db8:1:2::${i.toString(16)}`, "v6@example.com", "wrong password");
      expect(codeOf(await loginFrom(server, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "v6@example.com", PASSWORD))).toBe("TOO_MANY_REQUESTS");
      expect(codeOf(await loginFrom(server, "2001:db8:1:3::1", "v6@example.com", PASSWORD))).toBe("OK");
      const [row] = await server.app.db.prisma.session.findMany({ orderBy: { createdAt: "desc" }, take: 1 });
      expect(row?.ip).toBe("2001:db8:1:3::1");
    });
  });

  it("the per-account budget stops a distributed guesser (20 networks) for everyone, and audits it once", async () => {
    await withServer({ env: { ...env, RATE_LIMIT_LOGIN_ACCOUNT: "20" } }, async (server) => {
      await signup(server, "popular@example.com");
      for (let i = 1; i <= 20; i++) expect(codeOf(await loginFrom(server, `198.51.100.${i}`, "popular@example.com", "wrong password"))).toBe("INVALID_CREDENTIALS");
      const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => loginFrom(server, `203.0.113.${i}`, "popular@example.com", PASSWORD)));
      expect(tally(codes.map(codeOf))).toEqual({ TOO_MANY_REQUESTS: 40 });
      expect(codes[0]?.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
      await server.app.auth.maintenance.flushAudit();
      const rows = await server.app.db.prisma.auditEvent.findMany({ where: { type: "rate_limited" } });
      expect(rows.map((r) => r.detail)).toEqual([{ bucket: "login_account", key: "popular@example.com", count: 40 }]);
    });
  });
});

describe("audit flood", () => {
  it("300 refusals write one RATE_LIMITED row per (bucket, key, window), and none is lost at shutdown", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "audit-flood-"));
    const databaseUrl = `pglite:${dir}`;
    try {
      const server = await startServer({ databaseUrl, env: { RATE_LIMIT_SIGNUP_IP: "1" } });
      try {
        await signup(server, "first@example.com");
        for (let batch = 0; batch < 6; batch++) {
          const signups = Array.from({ length: 50 }, (_, i) => `mutation { signup(input: { email: "x${batch}-${i}@example.com", password: "long enough pw" }) { accessToken } }`);
          const codes = tally((await Promise.all(signups.map((q) => server.gql(q)))).map(codeOf));
          expect(codes).toEqual({ TOO_MANY_REQUESTS: 50 });
        }
      } finally {
        // No flush before this: close() itself must write what is still counted in memory.
        await server.close();
      }
      const db = await openDatabase(databaseUrl);
      try {
        const rows = await db.prisma.auditEvent.findMany({ where: { type: "rate_limited" } });
        expect(rows.map((r) => r.detail)).toEqual([{ bucket: "signup_ip", key: "127.0.0.1", count: 300 }]);
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
