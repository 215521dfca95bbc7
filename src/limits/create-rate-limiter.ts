import type { Redis } from "ioredis";
import { RATE_BUCKETS, type RateBucket, type RateLimiter } from "../auth";
import { loadRateLimiterRedis, type RateLimiterAbstract, RateLimiterMemory } from "./flexible-classes";
import { FlexibleRateLimiter } from "./flexible-limiter";
import type { RateLimitPolicy } from "./policy";

export interface RateLimiterHandle {
  limiter: RateLimiter;
  kind: "memory" | "redis";
  /** Whether the store is reachable (waits briefly for a first connection). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * In memory by default (one instance); with a Redis URL every instance shares one budget. The
 * Redis client never queues commands while disconnected, so an outage is reported at once
 * instead of stalling logins.
 */
export function createRateLimiter(policy: RateLimitPolicy, options: { redisUrl: string | null; keyPrefix: string }): RateLimiterHandle {
  if (!options.redisUrl) {
    const limiters = buildLimiters(policy, (bucket, limit) => new RateLimiterMemory({ keyPrefix: bucket, ...limit }));
    return { limiter: new FlexibleRateLimiter(limiters), kind: "memory", ready: async () => true, close: async () => undefined };
  }
  // Loaded only with a Redis URL: ioredis cost ~30 ms of every start, Redis or not.
  const { Redis: RedisClient } = require("ioredis") as typeof import("ioredis");
  const redis = new RedisClient(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    lazyConnect: false,
  });
  // Connection errors surface on each command; unhandled 'error' events would crash the process.
  redis.on("error", () => undefined);
  const RateLimiterRedis = loadRateLimiterRedis();
  const limiters = buildLimiters(
    policy,
    (bucket, limit) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.keyPrefix}:${bucket}`, rejectIfRedisNotReady: true, ...limit }),
  );
  return {
    limiter: new FlexibleRateLimiter(limiters),
    kind: "redis",
    ready: () => waitUntilReady(redis, READY_TIMEOUT_MS),
    close: () => closeRedis(redis),
  };
}

const READY_TIMEOUT_MS = 2000;

/**
 * Resolves true once connected, false after the timeout: the server still starts (logins fail
 * closed until Redis answers, and ioredis keeps reconnecting in the background).
 */
function waitUntilReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const onReady = () => finish(true);
    function finish(ready: boolean) {
      clearTimeout(timer);
      redis.off("ready", onReady);
      resolve(ready);
    }
    redis.on("ready", onReady);
  });
}

function buildLimiters(
  policy: RateLimitPolicy,
  make: (bucket: RateBucket, limit: { points: number; duration: number }) => RateLimiterAbstract,
): Record<RateBucket, RateLimiterAbstract> {
  const entries = RATE_BUCKETS.map((bucket) => [bucket, make(bucket, { points: policy[bucket].points, duration: policy[bucket].windowSeconds })]);
  return Object.fromEntries(entries) as Record<RateBucket, RateLimiterAbstract>;
}

/** Stops reconnecting and waits (briefly) for the socket to end, so nothing keeps the process alive. */
function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "end") return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    redis.once("end", () => {
      clearTimeout(timer);
      resolve();
    });
    redis.disconnect();
  });
}
