import type * as Flexible from "rate-limiter-flexible";

// The package's index requires every store it supports (Mongo, MySQL, DynamoDB, etcd, Drizzle, …),
// about 25 ms of every start; these are the files of the classes used here, which the index
// re-exports unchanged. The version is pinned in package.json, so the paths cannot move under us.
// A rejection's RateLimiterRes comes from the same file, so `instanceof` holds.

export const RateLimiterMemory = require("rate-limiter-flexible/lib/RateLimiterMemory") as typeof Flexible.RateLimiterMemory;

export const RateLimiterRes = require("rate-limiter-flexible/lib/RateLimiterRes") as typeof Flexible.RateLimiterRes;
export type RateLimiterRes = Flexible.RateLimiterRes;

/** Loaded only with a Redis URL, like ioredis itself. */
export function loadRateLimiterRedis(): typeof Flexible.RateLimiterRedis {
  return require("rate-limiter-flexible/lib/RateLimiterRedis") as typeof Flexible.RateLimiterRedis;
}

export type { RateLimiterAbstract } from "rate-limiter-flexible";
