import type { RateLimitPolicy } from "../limits";
import { type Env, readDuration, readInt } from "./readers";

const MAX_POINTS = 1_000_000;
const DAY = 86400;

/** RATE_LIMIT_<BUCKET> (units per window) and RATE_LIMIT_<BUCKET>_WINDOW (duration). */
export function readRateLimits(env: Env): RateLimitPolicy {
  const read = (name: string, points: number, window: string) => ({
    points: readInt(env, `RATE_LIMIT_${name}`, points, 1, MAX_POINTS),
    windowSeconds: readDuration(env, `RATE_LIMIT_${name}_WINDOW`, window, 1, DAY),
  });
  return {
    login_failures: read("LOGIN_FAILURES", 5, "15m"),
    login_account: read("LOGIN_ACCOUNT", 20, "15m"),
    login_ip: read("LOGIN_IP", 100, "15m"),
    signup_ip: read("SIGNUP_IP", 20, "1h"),
    refresh_ip: read("REFRESH_IP", 300, "1m"),
    mail_address: read("MAIL_ADDRESS", 5, "1h"),
    mail_ip: read("MAIL_IP", 30, "1h"),
    token_ip: read("TOKEN_IP", 60, "15m"),
  };
}

/** IPv6 clients share a budget per network of this many leading bits (a /64 is one subscriber). */
export function readIpv6PrefixLength(env: Env): number {
  return readInt(env, "RATE_LIMIT_IPV6_PREFIX", 64, 32, 128);
}
