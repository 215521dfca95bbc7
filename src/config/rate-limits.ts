import type { RateBucket } from "../auth";
import type { RateLimitPolicy } from "../limits";
import { type Env, readDuration, readInt } from "./readers";

const MAX_POINTS = 1_000_000;
const DAY = 86400;

/** Units per window and the window of each bucket when its variables are unset (the catalog shows these). */
export const RATE_LIMIT_DEFAULTS: Readonly<Record<RateBucket, { points: number; window: string }>> = {
  login_failures: { points: 5, window: "15m" },
  login_account: { points: 20, window: "15m" },
  login_ip: { points: 100, window: "15m" },
  signup_ip: { points: 20, window: "1h" },
  refresh_ip: { points: 300, window: "1m" },
  mail_address: { points: 5, window: "1h" },
  mail_ip: { points: 30, window: "1h" },
  token_ip: { points: 60, window: "15m" },
};

export const DEFAULT_IPV6_PREFIX = 64;

/** RATE_LIMIT_<BUCKET>: units per window; its window is RATE_LIMIT_<BUCKET>_WINDOW. */
export function rateLimitVariable(bucket: RateBucket): string {
  return `RATE_LIMIT_${bucket.toUpperCase()}`;
}

/** RATE_LIMIT_<BUCKET> (units per window) and RATE_LIMIT_<BUCKET>_WINDOW (duration). */
export function readRateLimits(env: Env): RateLimitPolicy {
  const entries = Object.entries(RATE_LIMIT_DEFAULTS).map(([bucket, { points, window }]) => {
    const name = rateLimitVariable(bucket as RateBucket);
    const limit = { points: readInt(env, name, points, 1, MAX_POINTS), windowSeconds: readDuration(env, `${name}_WINDOW`, window, 1, DAY) };
    return [bucket, limit] as const;
  });
  return Object.fromEntries(entries) as Record<RateBucket, RateLimitPolicy[RateBucket]>;
}

/** IPv6 clients share a budget per network of this many leading bits (a /64 is one subscriber). */
export function readIpv6PrefixLength(env: Env): number {
  return readInt(env, "RATE_LIMIT_IPV6_PREFIX", DEFAULT_IPV6_PREFIX, 32, 128);
}
