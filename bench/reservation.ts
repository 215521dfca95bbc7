import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import { type ClientInfo, RATE_BUCKETS, type RateLimitPolicy } from "../src/auth";
import { AttemptGuard } from "../src/auth/attempt-guard";
import { RateLimitAudit } from "../src/auth/rate-limit-audit";
import { createRateLimiter } from "../src/limits";
import { latency, percentile } from "./measure";

// Every bucket the limiter builds (the account flows added some), none of them ever reached here.
const POLICY = Object.fromEntries(RATE_BUCKETS.map((b) => [b, { points: 1_000_000, windowSeconds: 900 }])) as RateLimitPolicy;
const LIMIT = { points: 1_000_000, duration: 900 };
const SAMPLES = 2000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const noAudit = { record: async () => undefined, recordOrCount: async () => undefined, list: async () => [] };

let n = 0;
const next = () => {
  n += 1;
  return { email: `user${n % 100}@example.com`, ip: `2001:db8::${(n % 65535).toString(16)}` };
};

/** A successful login's rate-limit bookkeeping now: AttemptGuard.checkCredential around an instant check. */
async function reservationPath(redisUrl: string | null): Promise<number[]> {
  const handle = createRateLimiter(POLICY, { redisUrl, keyPrefix: `bench:${randomUUID()}` });
  try {
    if (!(await handle.ready())) throw new Error("rate-limit store unreachable");
    const refusals = new RateLimitAudit({ audit: noAudit, clock: { now: () => new Date() }, logger: silent }, POLICY);
    const guard = new AttemptGuard({ limiter: handle.limiter, logger: silent, refusals }, { ipv6PrefixLength: 64 });
    return await latency(() => {
      const { email, ip } = next();
      const client: ClientInfo = { ip, userAgent: null, requestId: null };
      return guard.checkCredential(email, client, null, async () => ({ ok: true }));
    }, SAMPLES, 50);
  } finally {
    await handle.close();
  }
}

/** The same login before reservations: spend the IP attempt, read the pair's failures, clear them on success. */
async function checkThenSpendPath(redisUrl: string | null): Promise<number[]> {
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false }) : null;
  try {
    if (redis) await new Promise((resolve) => redis.once("ready", resolve));
    const prefix = `bench:${randomUUID()}`;
    const make = (bucket: string): RateLimiterAbstract =>
      redis ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${bucket}`, ...LIMIT }) : new RateLimiterMemory({ keyPrefix: bucket, ...LIMIT });
    const perIp = make("login_ip");
    const failures = make("login_failures");
    return await latency(async () => {
      const { email, ip } = next();
      await perIp.consume(ip);
      await failures.get(`${email}|${ip}`);
      await failures.delete(`${email}|${ip}`);
    }, SAMPLES, 50);
  } finally {
    redis?.disconnect();
  }
}

/** What reserving before argon2 (and refunding after) adds to a login, per store. */
export async function reservationBench(redisUrl: string | null) {
  const stores: Array<[string, string | null]> = [["memory", null], ...(redisUrl ? [["Redis", redisUrl] as [string, string]] : [])];
  const rows = [];
  for (const [store, url] of stores) {
    const before = percentile(await checkThenSpendPath(url), 50);
    const now = percentile(await reservationPath(url), 50);
    rows.push({ store, "check-then-spend p50 ms": round(before), "reserve/refund p50 ms": round(now), "added per login ms": round(now - before) });
  }
  return rows;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
