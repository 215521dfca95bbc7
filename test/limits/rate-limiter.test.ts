import { randomUUID } from "node:crypto";
import { createRateLimiter, type RateLimiterHandle, type RateLimitPolicy } from "../../src/limits";
import { describeWithRedis, testRedisUrl } from "../support/services";

// The limiters load their classes' own files (src/limits/flexible-classes.ts): the package's index,
// which requires every store it supports, costs ~25 ms of a start. Loading it fails this file.
jest.mock("rate-limiter-flexible", () => {
  throw new Error("the package index of rate-limiter-flexible was loaded");
});

const POLICY: RateLimitPolicy = {
  login_failures: { points: 3, windowSeconds: 900 },
  login_account: { points: 4, windowSeconds: 900 },
  login_ip: { points: 2, windowSeconds: 60 },
  signup_ip: { points: 1, windowSeconds: 3600 },
  refresh_ip: { points: 5, windowSeconds: 60 },
  mail_address: { points: 2, windowSeconds: 3600 },
  mail_ip: { points: 5, windowSeconds: 3600 },
  token_ip: { points: 5, windowSeconds: 900 },
};

async function code(work: Promise<unknown>): Promise<{ code?: string; retryAfter?: number } | "ok"> {
  try {
    await work;
    return "ok";
  } catch (error) {
    return error as { code?: string; retryAfter?: number };
  }
}

function limiterContract(name: string, open: () => RateLimiterHandle) {
  describe(`rate limiter: ${name}`, () => {
    let handle: RateLimiterHandle;
    beforeAll(async () => {
      handle = open();
      if (!(await handle.ready())) throw new Error(`rate limiter ${name}: its store does not answer (is TEST_REDIS_URL's Redis running?)`);
    });
    afterAll(() => handle.close());
    const key = () => randomUUID();

    it("consumes up to the budget, then reports TOO_MANY_REQUESTS with retryAfter in seconds", async () => {
      const k = key();
      expect(await code(handle.limiter.consume("login_ip", k))).toBe("ok");
      expect(await code(handle.limiter.consume("login_ip", k))).toBe("ok");
      const third = await code(handle.limiter.consume("login_ip", k));
      expect(third).toMatchObject({ code: "TOO_MANY_REQUESTS" });
      expect((third as { retryAfter: number }).retryAfter).toBeGreaterThan(50);
      expect((third as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(60);
      expect(await code(handle.limiter.consume("login_ip", key()))).toBe("ok");
    });

    it("refund gives one unit back; reset forgets the key", async () => {
      const k = key();
      for (let i = 0; i < 3; i++) expect(await code(handle.limiter.consume("login_failures", k))).toBe("ok");
      expect(await code(handle.limiter.consume("login_failures", k))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
      await handle.limiter.refund("login_failures", k);
      await handle.limiter.refund("login_failures", k);
      expect(await code(handle.limiter.consume("login_failures", k))).toBe("ok");
      expect(await code(handle.limiter.consume("login_failures", k))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
      await handle.limiter.reset("login_failures", k);
      expect(await code(handle.limiter.consume("login_failures", k))).toBe("ok");
    });

    it("50 concurrent consumes of a budget of 4: exactly 4 are granted (no check-then-spend race)", async () => {
      const k = key();
      const results = await Promise.all(Array.from({ length: 50 }, () => code(handle.limiter.consume("login_account", k))));
      expect(results.filter((r) => r === "ok")).toHaveLength(4);
      for (const r of results.filter((r) => r !== "ok")) expect(r).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    });

    it("keeps buckets apart", async () => {
      const k = key();
      await handle.limiter.consume("signup_ip", k);
      expect(await code(handle.limiter.consume("signup_ip", k))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
      expect(await code(handle.limiter.consume("refresh_ip", k))).toBe("ok");
    });
  });
}

limiterContract("in memory", () => createRateLimiter(POLICY, { redisUrl: null, keyPrefix: "unused" }));
describeWithRedis("rate limiter on Redis", () => {
  limiterContract("Redis", () => createRateLimiter(POLICY, { redisUrl: testRedisUrl(), keyPrefix: `test:${randomUUID()}` }));

  it("two handles with one prefix share one budget", async () => {
    const prefix = `test:${randomUUID()}`;
    const a = createRateLimiter(POLICY, { redisUrl: testRedisUrl(), keyPrefix: prefix });
    const b = createRateLimiter(POLICY, { redisUrl: testRedisUrl(), keyPrefix: prefix });
    try {
      expect([await a.ready(), await b.ready()]).toEqual([true, true]);
      await a.limiter.consume("login_ip", "203.0.113.1");
      await b.limiter.consume("login_ip", "203.0.113.1");
      expect(await code(a.limiter.consume("login_ip", "203.0.113.1"))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("rate limiter: Redis unreachable (no Redis needed)", () => {
  it("an unreachable Redis fails fast with a store error, not a limit decision", async () => {
    const down = createRateLimiter(POLICY, { redisUrl: "redis://127.0.0.1:1", keyPrefix: "x" });
    try {
      expect(await down.ready()).toBe(false);
      const started = Date.now();
      const result = await code(down.limiter.consume("login_ip", "k"));
      expect(result).not.toBe("ok");
      expect((result as { code?: string }).code).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await down.close();
    }
  });
});
